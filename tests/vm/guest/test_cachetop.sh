# cachetop in the guest: a marked dd (busybox under another name) reads a
# file of N pages (N random) cold from an ext4-mounted loop device; its row
# must show its PID, name and MISSES N, and HITS (BCC's: every access) at
# least its N reads, on each path: folio_mark_accessed via fentry, via kprobe, the
# tracepoint estimate.
. /tests/lib.sh
img=/tmp/cachetop.img
dd if=/dev/zero of=$img bs=1M count=32 2>"$TMP/dd.err" ||
	bail_out "cachetop: disk image" "dd failed: $(cat "$TMP/dd.err")"
loop=$(losetup -f)
if [ -z "$loop" ] || ! losetup "$loop" $img; then
	skip_all "no loop device (is loop.ko loaded?)"
fi
mke2fs -q -b 4096 "$loop" 2>"$TMP/mk.err" || bail_out "cachetop: mke2fs" "$(cat "$TMP/mk.err")"
mnt=$TMP/mnt
mkdir "$mnt"
mount -t ext4 -o noatime "$loop" "$mnt" || bail_out "cachetop: mount" "mount -t ext4 failed"
n=$((150 + $(od -An -N1 -tu1 /dev/urandom)))
dd if=/dev/urandom of="$mnt/f" bs=4096 count=$n 2>/dev/null
sync
# busybox runs an applet named by its second argument when its own name
# starts with "busybox": a copy so named gives the reader a name of its own.
rd=busyboxct$$
cp /bin/busybox "$TMP/$rd"
for path in best avoid=fentry avoid=fentry,kprobe; do
	case $path in
	best) want="folio_mark_accessed=fentry" ;;
	avoid=fentry) want="folio_mark_accessed=kprobe" ;;
	*) want="mm_filemap_get_pages=tp_btf" ;;
	esac
	if [ "$path" = avoid=fentry,kprobe ] && ! grep -q btf_trace_mm_filemap_get_pages /sys/kernel/btf/vmlinux; then
		skip "cachetop [$path]" "no filemap read tracepoints before Linux 6.11"
		continue
	fi
	umount "$mnt"
	mount -t ext4 -o noatime "$loop" "$mnt"
	ls -l "$mnt/f" >/dev/null
	sh -c 'kill -STOP $$; exec "$1" dd if="$2" of=/dev/null bs=4096 2>/dev/null' _ "$TMP/$rd" "$mnt/f" &
	p=$!
	i=0
	while [ "$(sed 's/.*) //' /proc/$p/stat | cut -d' ' -f1)" != T ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" cachetop -v -C 60; then
		fail "cachetop [$path] starts" "$(grep -v '^libbpf: \(elf\|sec\|map\|prog .*: found\|CO-RE\)' "$TMP/out.err" | tail -n 25 | tr '\n' '|')"
		kill -KILL $p
		continue
	fi
	kill -CONT $p
	wait $p
	stop_tool
	rc=$?
	row=$(awk -v p=$p -v c=$rd '$1 == p && $3 == c { print; exit }' "$TMP/out")
	hits=$(echo "$row" | awk '{ print $4 }')
	misses=$(echo "$row" | awk '{ print $5 }')
	echo "# calib: $KERNEL cachetop $path pages=$n row: $row"
	# HITS also has what the shell and the exec mark (faults on busybox in
	# tmpfs: exact path only, about 770 measured).
	# MISSES (BCC's: added + dirtied) has up to a metadata page added and dirtied.
	if [ $rc = 0 ] && [ "$misses" -ge $n ] && [ "$misses" -le $((n + 2)) ] &&
		[ "$hits" -ge $((n * 98 / 100)) ] &&
		[ "$hits" -le $((n + 1000)) ]; then
		ok "cachetop [$path] the marked reader's row: PID $p, $misses misses for $n pages, hits $hits for $n reads"
	else
		fail "cachetop [$path] a row of the marked reader with $n misses" \
			"exit status $rc, pid $p: $(head -c 700 "$TMP/out")"
	fi
	check_path "cachetop [$path] takes $want" "$TMP/out.err" $want
	matrix_line cachetop "$path" "$TMP/out.err"
done
umount "$mnt"
losetup -d "$loop"
rm -f $img

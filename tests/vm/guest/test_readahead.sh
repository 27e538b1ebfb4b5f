# readahead in the guest: a file of 1024 + N pages on an ext4-mounted loop
# device, cold, of which a marked dd (-p) reads the first R pages (R random,
# 4 KiB reads).  Readahead must have read pages ahead (total > 0), the used ones
# (total - unused) must be exactly the R read, and the histogram must hold
# first accesses, on each path: fentry/fexit, kprobe/kretprobe (the
# readahead tracepoints are 6.18 only: tested on the host).
. /tests/lib.sh
img=/tmp/readahead.img
dd if=/dev/zero of=$img bs=1M count=32 2>"$TMP/dd.err" ||
	bail_out "readahead: disk image" "dd failed: $(cat "$TMP/dd.err")"
loop=$(losetup -f)
if [ -z "$loop" ] || ! losetup "$loop" $img; then
	skip_all "no loop device (is loop.ko loaded?)"
fi
mke2fs -q -b 4096 "$loop" 2>"$TMP/mk.err" || bail_out "readahead: mke2fs" "$(cat "$TMP/mk.err")"
mnt=$TMP/mnt
mkdir "$mnt"
mount -t ext4 -o noatime "$loop" "$mnt" || bail_out "readahead: mount" "mount -t ext4 failed"
dd if=/dev/urandom of="$mnt/f" bs=4096 count=$((1024 + $(od -An -N1 -tu1 /dev/urandom))) 2>/dev/null
sync
for path in best avoid=fentry; do
	case $path in
	best) want="page_cache_ra_unbounded=fentry filemap_alloc_folio_noprof=fexit folio_mark_accessed=fentry" ;;
	*) want="page_cache_ra_unbounded=kprobe folio_mark_accessed=kprobe" ;;
	esac
	case $KERNEL in 6.1.*) want=$(echo "$want" | sed 's/_noprof//') ;; esac
	r=$((100 + $(od -An -N1 -tu1 /dev/urandom)))
	echo 3 >/proc/sys/vm/drop_caches
	sh -c 'kill -STOP $$; exec dd if="$1" of=/dev/null bs=4096 count=$2 2>/dev/null' _ "$mnt/f" $r &
	p=$!
	i=0
	while [ "$(sed 's/.*) //' /proc/$p/stat | cut -d' ' -f1)" != T ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" readahead -v --json -p $p; then
		kill -KILL $p
		fail "readahead [$path] starts" "$(grep -v '^libbpf: \(elf\|sec\|map\|prog .*: found\|CO-RE\)' "$TMP/out.err" | tail -n 25 | tr '\n' '|')"
		continue
	fi
	kill -CONT $p
	wait $p
	stop_tool
	rc=$?
	total=$(sed -n 's/.*"total":\([0-9]*\),"hist".*/\1/p' "$TMP/out")
	unused=$(sed -n 's/.*"unused":\([0-9]*\),.*/\1/p' "$TMP/out")
	firsts=$(sed 's/"count":/\n/g' "$TMP/out" | sed -n '2,$s/^\([0-9]*\).*/\1/p' | awk '{ s += $1 } END { print s + 0 }')
	echo "# calib: $KERNEL readahead $path read=$r total=$total unused=$unused first_accesses=$firsts"
	if [ $rc = 0 ] && [ "${total:-0}" -gt $r ] && [ $((total - unused)) = $r ] && [ "$firsts" -ge 1 ]; then
		ok "readahead [$path] $total pages read ahead, $unused unused: the $r read were used"
	else
		fail "readahead [$path] pages read ahead, all $r read used" \
			"exit status $rc: $(head -c 400 "$TMP/out")"
	fi
	check_path "readahead [$path] takes $want" "$TMP/out.err" $want
	matrix_line readahead "$path" "$TMP/out.err"
done
umount "$mnt"
losetup -d "$loop"
rm -f $img

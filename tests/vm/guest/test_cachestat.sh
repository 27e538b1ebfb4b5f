# cachestat in the guest: a file of N pages (N random) on an ext4-mounted
# loop device, its pages dropped, read twice with 4 KiB reads by two marked
# dd processes (-p lists both).  Every path must count N misses (N + 1: a
# metadata block the reader brings in, as measured on 6.1 and 6.12); the
# hits are compared with the N the second read issued (the "calib" line of
# each run gives the numbers cachestat(8) quotes).  Paths: folio_mark_accessed
# via fentry, via kprobe, and the tracepoint estimate (6.11+: not on 6.1).
# The file system is mounted again before each run (its pages dropped) and the
# file's inode looked up by another process, so the readers bring in no
# metadata; the accesses an exec of dd makes itself (faults on busybox in the
# initramfs, tmpfs: the exact path counts them, 417 here) are measured by a
# dd that reads nothing, and taken out.
. /tests/lib.sh
img=/tmp/cachestat.img
dd if=/dev/zero of=$img bs=1M count=32 2>"$TMP/dd.err" ||
	bail_out "cachestat: disk image" "dd failed: $(cat "$TMP/dd.err")"
loop=$(losetup -f)
if [ -z "$loop" ] || ! losetup "$loop" $img; then
	skip_all "no loop device (is loop.ko loaded?)"
fi
mke2fs -q -b 4096 "$loop" 2>"$TMP/mk.err" || bail_out "cachestat: mke2fs" "$(cat "$TMP/mk.err")"
mnt=$TMP/mnt
mkdir "$mnt"
mount -t ext4 -o noatime "$loop" "$mnt" || bail_out "cachestat: mount" "mount -t ext4 failed"
n=$((200 + $(od -An -N1 -tu1 /dev/urandom)))
dd if=/dev/urandom of="$mnt/marked.$n" bs=4096 count=$n 2>/dev/null
sync

# reader: a dd that stops itself, then reads the file in 4 KiB reads; PID in $!.
reader() {
	sh -c 'kill -STOP $$; exec dd if="$1" of=/dev/null bs=4096 2>/dev/null' _ "$mnt/marked.$n" &
}
wait_stopped() {
	i=0
	while [ "$(sed 's/.*) //' /proc/$1/stat | cut -d' ' -f1)" != T ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}

# cold: the file's pages out of the cache, its inode and directory in.
cold() {
	umount "$mnt"
	mount -t ext4 -o noatime "$loop" "$mnt"
	ls -l "$mnt/marked.$n" >/dev/null
}

# baseline PATH: the accesses of a dd of the file that reads nothing.
baseline() {
	sh -c 'kill -STOP $$; exec dd if="$1" of=/dev/null bs=4096 count=0 2>/dev/null' _ "$mnt/marked.$n" &
	b=$!
	wait_stopped $b
	BPFSCOPE_AVOID=$(avoid_env "$1") start_tool "$TMP/base" cachestat --json -p $b 60 || return
	kill -CONT $b
	wait $b
	stop_tool
	json_sum accessed "$TMP/base"
}

# json_sum KEY FILE: KEY summed over the JSON lines.
json_sum() { sed -n "s/.*\"$1\":\([0-9]*\).*/\1/p" "$2" | awk '{ s += $1 } END { print s + 0 }'; }

for path in best avoid=fentry avoid=fentry,kprobe; do
	case $path in
	best) want="folio_mark_accessed=fentry mm_filemap_add_to_page_cache=tp_btf" ;;
	avoid=fentry) want="folio_mark_accessed=kprobe mm_filemap_add_to_page_cache=tp_btf" ;;
	*) want="mm_filemap_get_pages=tp_btf mm_filemap_fault=tp_btf" ;;
	esac
	if [ "$path" = avoid=fentry,kprobe ] && ! grep -q btf_trace_mm_filemap_get_pages /sys/kernel/btf/vmlinux; then
		# 6.1: no filemap read tracepoints: a one-line error naming what is missing.
		BPFSCOPE_AVOID=fentry,kprobe cachestat 1 1 >"$TMP/out" 2>"$TMP/out.err"
		rc=$?
		if [ $rc != 0 ] && [ "$(wc -l <"$TMP/out.err")" = 1 ] && grep -q 'page cache accesses' "$TMP/out.err"; then
			ok "cachestat [$path] without fentry, kprobes and the filemap tracepoints: a one-line error"
		else
			fail "cachestat [$path] one-line error" "status $rc: $(head -c 300 "$TMP/out.err")"
		fi
		continue
	fi
	cold
	base=$(baseline "$path")
	reader
	r1=$!
	reader
	r2=$!
	wait_stopped $r1
	wait_stopped $r2
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" cachestat -v --json -p $r1,$r2 60; then
		fail "cachestat [$path] starts" "$(grep -v '^libbpf: \(elf\|sec\|map\|prog .*: found\|CO-RE\)' "$TMP/out.err" | tail -n 25 | tr '\n' '|')"
		kill -KILL $r1 $r2
		continue
	fi
	kill -CONT $r1
	wait $r1
	kill -CONT $r2
	wait $r2
	stop_tool
	rc=$?
	misses=$(json_sum misses "$TMP/out")
	hits=$(json_sum hits "$TMP/out")
	added=$(json_sum added "$TMP/out")
	acc=$(json_sum accessed "$TMP/out")
	echo "# calib: $KERNEL $path pages=$n accessed=$acc added=$added hits=$hits misses=$misses exec_base=$base"
	hits=$((hits - 2 * ${base:-0}))
	# Misses: the file's pages and at most one block of metadata (measured: +0 or +1).
	if [ $rc = 0 ] && [ "$misses" -ge $n ] && [ "$misses" -le $((n + 1)) ] &&
		[ "$hits" -ge $((n * 95 / 100)) ] && [ "$hits" -le $((n * 105 / 100 + 2)) ]; then
		ok "cachestat [$path] -p: $misses misses for $n pages, hits $hits (less 2 execs' $base) within 5% of the $n reads of the second pass"
	else
		fail "cachestat [$path] -p: $n misses, hits near $n" \
			"exit status $rc, misses $misses, hits $hits (less 2 x $base): $(head -c 300 "$TMP/out")"
	fi
	check_path "cachestat [$path] takes $want" "$TMP/out.err" $want
	matrix_line cachestat "$path" "$TMP/out.err"
done
# Calibration runs (printed, not checked): one pass, cold and then warm,
# in 4 KiB and in 64 KiB reads, on the exact path.
for run in cold4k warm4k warm64k; do
	case $run in
	cold4k) bs=4096; cold ;;
	warm4k) bs=4096 ;;
	*) bs=65536 ;;
	esac
	sh -c 'kill -STOP $$; exec dd if="$1" of=/dev/null bs=$2 2>/dev/null' _ "$mnt/marked.$n" $bs &
	r1=$!
	wait_stopped $r1
	start_tool "$TMP/cal" cachestat --json -p $r1 60 || continue
	kill -CONT $r1
	wait $r1
	stop_tool
	echo "# calib: $KERNEL $run pages=$n $(sed 's/.*"hits"/"hits"/' "$TMP/cal" | tr '\n' ' ')"
done

# What mm_filemap_get_pages reports for one 8 KiB read at 0 (pages 0-1, or
# 0-2 where the tracepoint passes one past the last page).
[ -d /sys/kernel/tracing/events ] || mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null
ev=/sys/kernel/tracing/events/filemap/mm_filemap_get_pages
if [ -d $ev ]; then
	echo >/sys/kernel/tracing/trace
	echo 1 >$ev/enable
	dd if="$mnt/marked.$n" of=/dev/null bs=8192 count=1 2>/dev/null
	echo 0 >$ev/enable
	echo "# calib: $KERNEL get_pages of an 8 KiB read: $(grep -m1 'mm_filemap_get_pages' /sys/kernel/tracing/trace | sed 's/.*mm_filemap_get_pages: //')"
fi
umount "$mnt"
losetup -d "$loop"
rm -f $img

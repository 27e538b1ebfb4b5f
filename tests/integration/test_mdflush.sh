#!/bin/bash
# mdflush: this kernel has no md (CONFIG_MD unset), so no md device can
# flush; the tool must still attach to block_bio_queue on each of its kinds
# (tp_btf, raw_tp, tracepoint: -v says which), stop cleanly, and show nothing
# for flushes of other devices: a loop device's flush (its own statistics
# count it) is not an md flush.  With none of the three, one line names
# what each hook lacks.  The guest tests build a RAID1 array and see flushes.
. "$(dirname "$0")/../lib.sh"
need losetup dd

truncate -s 8M "$TMP/disk.img"
loop=$(losetup -f --show "$TMP/disk.img") || bail_out "a loop device" "losetup failed"
on_exit losetup -d "$loop"
dev=${loop#/dev/}
# flushes: flush requests the loop device completed (field 16 of its stat, Linux 5.5+).
flushes() { awk '{ print $16 }' "/sys/block/$dev/stat"; }
[ -n "$(flushes)" ] || skip_all "no flush count in /sys/block/$dev/stat"

for path in best avoid=tp_btf avoid=tp_btf,raw_tp; do
	case $path in
	best) want="kinds=tp_btf block_bio_queue=tp_btf md_flush_request=- buffer=ringbuf" ;;
	avoid=tp_btf) want="kinds=raw_tp block_bio_queue=raw_tp" ;;
	*) want="kinds=tracepoint block_bio_queue=tracepoint" ;;
	esac
	BPFSCOPE_AVOID=${path#avoid=} start_tool "$TMP/out" mdflush -v ||
		bail_out "mdflush [$path] starts" "$(cat "$TMP/out.err")"
	before=$(flushes)
	dd if=/dev/zero of="$loop" bs=4k count=1 conv=fsync 2>/dev/null
	sync "$loop"
	sleep 0.3
	stop_tool INT
	rc=$?
	after=$(flushes)
	if [ $rc = 0 ] && [ "$after" -gt "$before" ] &&
		[ "$(grep -cvE '^(Tracing md flush|TIME +PID +COMM +DEVICE$)' "$TMP/out")" = 0 ]; then
		ok "mdflush [$path]: $((after - before)) loop-device flushes, no md flush shown, exit 0"
	else
		fail "mdflush [$path]: loop-device flushes, no md flush shown, exit 0" \
			"status $rc, flushes $before -> $after: $(cat "$TMP/out")"
	fi
	check_path "mdflush [$path] takes $want" "$TMP/out.err" $want
done
check "header: TIME PID COMM DEVICE" grep -qE '^TIME +PID +COMM +DEVICE$' "$TMP/out"

BPFSCOPE_AVOID=tp_btf,raw_tp,tracepoint "$BIN/mdflush" >"$TMP/o" 2>"$TMP/e"
rc=$?
if [ $rc = 1 ] && [ "$(wc -l <"$TMP/e")" = 1 ] &&
	grep -qE '^mdflush: cannot trace md flushes on this kernel: .*fentry md_flush_request: .+; kprobe md_flush_request: .+' "$TMP/e"; then
	ok "no block_bio_queue: one line naming what fentry and kprobe on md_flush_request lack"
else
	fail "no block_bio_queue: one line naming what fentry and kprobe on md_flush_request lack" "rc=$rc $(cat "$TMP/e")"
fi

start_tool "$TMP/out" mdflush --json -p $$ || bail_out "mdflush --json starts" "$(cat "$TMP/out.err")"
sync "$loop"
stop_tool INT
check "--json -p: attaches, nothing to print, exit 0" test $? = 0 -a ! -s "$TMP/out"

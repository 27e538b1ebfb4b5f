#!/bin/bash
# klockstat: processes with unique names writing large blocks to one file at
# once wait for its inode's rw-semaphore in the file system's write_iter: the
# caller and its stack are shown with a count and times, the waiter by name;
# -P, -p, -c, -S, -n, -s, -i, -d, -T and --json change what is shown.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/integration/helpers/biosnoop_io.sh"
need dd jq

A=kla$RANDOM B=klb$RANDOM
dd_as $A
dd_as $B
# tmpfs: no disk I/O.  Its write_iter is its own since Linux 6.6, generic before.
F=/dev/shm/klockstat.$$.$RANDOM
on_exit "rm -f $F"
if grep -qw shmem_file_write_iter /proc/kallsyms; then WI=shmem_file_write_iter
else WI=generic_file_write_iter; fi

writers=()
for c in $A $A $B $B; do
	gated "$TMP/go" $c if=/dev/zero of=$F bs=8M count=6 conv=notrunc
	writers+=("$IO_PID $c")
done
A1=${writers[0]% *} A2=${writers[1]% *}

# start NAME ARGS...: start klockstat, keeping its PID in T_NAME.
start() {
	local name=$1
	shift
	start_tool "$TMP/$name" klockstat "$@" || bail_out "klockstat $* starts" "$(cat "$TMP/$name.err")"
	eval "T_$name=$TOOL_PID"
}
start json --json -s 8 -S acq_count -v
start thr -P -p "$A1,$A2"
start caller -c "${WI:0:-4}"
start tick -i 1 -d 3 -T -n 2
BPFSCOPE_AVOID=tp_btf start raw -v --json

touch "$TMP/go"
for w in "${writers[@]}"; do
	read -r pid name <<<"$w"
	wait_io "$pid" "$name"
done
check "the workload ran" test -z "$IO_ERR"
for name in json thr caller raw; do
	eval "TOOL_PID=\$T_$name"
	stop_tool INT || fail "klockstat $name stops with status 0" "$(head -c 300 "$TMP/$name.err")"
done

check_path "-v: lock:contention_begin/end as BTF tracepoints here" "$TMP/json.err" \
	kinds=tp_btf contention_begin=tp_btf contention_end=tp_btf
check_path "BPFSCOPE_AVOID=tp_btf: raw tracepoints" "$TMP/raw.err" \
	kinds=raw_tp contention_begin=raw_tp contention_end=raw_tp
check "raw tracepoints: the writers' waits, no hold table" test "$(jq -s --arg f "$WI" \
	'map(.wait[] | select(.caller | startswith($f + "+"))) | length > 0' "$TMP/raw") $(jq -s \
	'map(has("hold")) | any' "$TMP/raw")" = "true false"

waits() { jq -c '.wait[]' "$TMP/json"; }
check "a caller in $WI waited, with its stack" test "$(waits | jq -s --arg f "$WI" \
	'map(select((.caller | startswith($f + "+")) and .count > 0 and .total_ns > 0 and
	 (.stack[0] == .caller) and (.stack | length) > 1)) | length > 0')" = true
check "the longest wait there is one of the writers'" test "$(waits | jq -s --arg f "$WI" \
	--arg a $A --arg b $B 'map(select(.caller | startswith($f + "+"))) |
	 all(.max_comm == $a or .max_comm == $b) and length > 0')" = true
check "-S acq_count: sorted by count" test "$(waits | jq -s '[.[].count] | . == (sort | reverse)')" = true
check "the times add up (avg = total / count, max <= total)" test "$(waits | jq -s \
	'all(.avg_ns == (.total_ns / .count | floor) and .max_ns <= .total_ns)')" = true

# Either of the two may have found the lock free every time, not both.
check "-P -p: those processes' threads, by TID and name" grep -qE "^ +($A1|$A2) +$A +[0-9.]+ [a-z]+ +[0-9]+ " "$TMP/thr"
check "-P: Tid Comm header" grep -qE '^ +Tid +Comm +Avg Wait +Count +Max Wait +Total Wait$' "$TMP/thr"
others=$(grep -E '^ +[0-9]+ +[a-z]' "$TMP/thr" | grep -vE "^ +($A1|$A2) ")
check "-p: no other process" test -z "$others"

callers=$(grep -E '\+0x' "$TMP/caller" | awk '{ print $1 }' | sort -u)
check "-c: callers with that prefix" grep -q "^$WI+" <<<"$callers"
check "-c: no other caller" test -z "$(grep -v "^${WI:0:-4}" <<<"$callers")"

TOOL_PID=$T_tick
for ((i = 0; i < 60; i++)); do
	kill -0 "$TOOL_PID" 2>/dev/null || break
	sleep 0.05
done
if kill -0 "$TOOL_PID" 2>/dev/null; then
	fail "-d: stops by itself" "still running"
	kill_tool
else
	wait "$TOOL_PID"
	check "-d: stops by itself with status 0" test $? = 0
	check "-i -T: a time line per interval" test "$(grep -cE '^[0-9]{2}:[0-9]{2}:[0-9]{2}$' "$TMP/tick")" -ge 2
	check "-n 2: at most 2 callers per interval" test "$(awk '/^[0-9][0-9]:/ { n = 0 }
		/\+0x/ { if (++n > m) m = n } END { print m + 0 }' "$TMP/tick")" -le 2
fi

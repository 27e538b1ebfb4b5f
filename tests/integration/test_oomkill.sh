#!/bin/bash
# oomkill: OOM kills made in small memory cgroups the test creates: a marked
# process whose allocation makes the kernel kill another marked process, and
# one that is killed for its own allocation; trigger and victim exact, on each
# tracepoint kind here.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/integration/helpers/oomkill_memcg.sh"
need python3 jq

n=$$$RANDOM
hog=oh$n trig=ot$n self=os$n
hog=${hog:0:15} trig=${trig:0:15} self=${self:0:15}
memcg_create "bpfscope_oomkill_$n" 40M || skip_all "cannot create a memory cgroup"
cg=$MEMCG

# in_memcg ADJ PROGRAM ARGS... &: python3 PROGRAM in the cgroup with that
# oom_score_adj, as the background job itself ($! is its PID).
in_memcg() {
	exec sh -c 'echo $$ >"$1/cgroup.procs" && echo "$2" >/proc/$$/oom_score_adj && shift 2 &&
		exec python3 -c "$@"' _ "$cg" "$@"
}
# COMM MB [READY]: name itself COMM, fill MB MiB, say so in READY and wait to be killed.
ALLOC='import sys, time
open("/proc/self/comm", "w").write(sys.argv[1])
b = b"\1" * (int(sys.argv[2]) << 20)
if len(sys.argv) > 3:
    open(sys.argv[3], "w").write("x")
    time.sleep(30)'

# The paths: NAME AVOID WANT(check_path), all watching the same kills.
PATHS="best||kinds=tp_btf mark_victim=tp_btf signal_generate=tp_btf buffer=ringbuf core=cut
raw|tp_btf|kinds=raw_tp mark_victim=raw_tp signal_generate=raw_tp
tp|tp_btf,raw_tp|kinds=tracepoint mark_victim=tracepoint signal_generate=tracepoint"
started=
while IFS='|' read -r name avoid want; do
	if BPFSCOPE_AVOID=$avoid start_tool "$TMP/$name" oomkill -v; then
		eval "pid_$name=$TOOL_PID"
		started="$started $name"
	else
		fail "oomkill [$name] starts" "$(tail -n 2 "$TMP/$name.err")"
	fi
done <<<"$PATHS"

# A hog of 24 MiB the kernel prefers (oom_score_adj 1000), then a trigger
# (oom_score_adj 0) allocating 24 MiB more: 40 MiB do not hold both.
rm -f "$TMP/hog.ready"
in_memcg 1000 "$ALLOC" "$hog" 24 "$TMP/hog.ready" &
hog_pid=$!
wait_for "$TMP/hog.ready" x 10 || fail "the hog allocated its memory" "not ready in 10 s"
hog_kb=$(awk '/^VmRSS:/ { print $2 }' /proc/$hog_pid/status)
in_memcg 0 "$ALLOC" "$trig" 24 &
trig_pid=$!
wait $trig_pid
trig_rc=$?
{ wait $hog_pid; } 2>/dev/null
hog_rc=$?
# The trigger itself may be killed too, by a second OOM while the hog's memory
# is still being freed (seen under load); the hog must be the first victim.
check "the workload: the hog is killed (137), the trigger ends well (0, or 137 after it)" \
	test "$hog_rc" = 137 -a \( "$trig_rc" = 0 -o "$trig_rc" = 137 \)

for name in $started; do
	wait_for "$TMP/$name" "OOM kill of PID $hog_pid " 3
	eval "TOOL_PID=\$pid_$name"
	stop_tool INT
	rc=$?
	re="^[0-9]{2}:[0-9]{2}:[0-9]{2} Triggered by PID $trig_pid \(\"$trig\"\), OOM kill of PID"
	re="$re $hog_pid \(\"$hog\"\), [0-9]+ pages RSS, loadavg: [0-9.]+ [0-9.]+ [0-9.]+ [0-9]+/[0-9]+ [0-9]+\$"
	check "oomkill [$name]: exit status 0 and the line names trigger and victim" \
		test "$rc $(grep -cE "$re" "$TMP/$name")" = "0 1"
	want=$(sed -n "s/^$name|[^|]*|//p" <<<"$PATHS")
	check_path "oomkill [$name] takes $want" "$TMP/$name.err" $want
done

pages=$(sed -n "s/.*OOM kill of PID $hog_pid .*, \([0-9]*\) pages RSS.*/\1/p" "$TMP/best")
if [ -n "$pages" ] && [ -n "$hog_kb" ] && ((pages * 4 >= hog_kb * 9 / 10 && pages * 4 <= hog_kb * 11 / 10)); then
	ok "RSS pages of the victim match its VmRSS (${hog_kb} kB) within 10%"
else
	fail "RSS pages of the victim match its VmRSS" "pages '$pages', VmRSS '$hog_kb' kB"
fi
check "the banner comes first, no header line" \
	test "$(head -n 1 "$TMP/best")" = "Tracing OOM kills... Hit Ctrl-C to end."

# A process killed for its own allocation: trigger and victim are the same,
# and it is a kill (not a task that was already exiting).
start_tool "$TMP/json" oomkill --json || bail_out "oomkill --json starts" "$(cat "$TMP/json.err")"
in_memcg 0 "$ALLOC" "$self" 64 &
self_pid=$!
{ wait $self_pid; } 2>/dev/null
self_rc=$?
wait_for "$TMP/json" "\"victim_pid\":$self_pid" 3
stop_tool INT
check "the workload: the process over the limit is killed (137)" test "$self_rc" = 137
if jq -e --argjson p "$self_pid" --arg c "$self" -s '
	map(select(.victim_pid == $p)) | length == 1 and (.[0] |
	.trigger_pid == $p and .trigger_comm == $c and .victim_comm == $c and .killed == true and
	.victim_uid == 0 and .rss_pages > 4096 and (has("pages") | not) and
	(.loadavg | test("^[0-9.]+ [0-9.]+ [0-9.]+ [0-9]+/[0-9]+ [0-9]+$")) and
	(.time | test("^[0-9]{2}:[0-9]{2}:[0-9]{2}$")))' "$TMP/json" >/dev/null; then
	ok "--json: the self-inflicted kill, trigger = victim, killed, RSS and loadavg"
else
	fail "--json: the self-inflicted kill, trigger = victim, killed, RSS and loadavg" \
		"$(head -c 600 "$TMP/json")"
fi

# Without the tracepoint, oomkill needs oom_kill_process() through fentry or
# kprobes; where the kernel has neither, one line says so.
out=$(BPFSCOPE_AVOID=tp_btf,raw_tp,tracepoint timeout -s INT 5 "$BIN/oomkill" 2>&1)
rc=$?
if [ "$rc" != 0 ] && [ "$(wc -l <<<"$out")" = 1 ] && grep -q 'oom_kill_process' <<<"$out"; then
	ok "no usable hook: one line naming oom_kill_process, non-zero exit"
elif grep -qi 'fentry.*refused\|no kprobes' <<<"$out"; then
	fail "no usable hook: one line naming oom_kill_process, non-zero exit" "status $rc: $out"
else
	# A kernel with fentry or kprobes takes them: nothing to check here.
	skip "no usable hook: one line" "this kernel has fentry or kprobes (status $rc)"
fi

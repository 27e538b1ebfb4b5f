#!/bin/bash
# deadlock: a workload takes mutexes A then B in one thread, then B then A in
# another (one after the other: it never deadlocks); deadlock reports the
# inversion with both mutexes' addresses, the functions that took them and
# where the threads were created, and exits 1.  The same workload taking A then
# B twice is no cycle: deadlock ends with the process, status 0, and
# --dump-graph has the one edge A -> B.
# common-args: $$
. "$(dirname "$0")/../lib.sh"

need cc jq
cc -O1 -g -fno-omit-frame-pointer -pthread -o "$TMP/inv" \
	"$TOP/tests/helpers/deadlock_inversion.c" ||
	bail_out "the lock workload builds" "cc failed"
mkfifo "$TMP/gate"

# workload [ordered]: start it, waiting at the gate; sets pid, ma, mb (A's and B's addresses).
workload() {
	rm -f "$TMP/pid"
	"$TMP/inv" "$TMP/pid" "$TMP/gate" 1 "$@" &
	for ((i = 0; i < 50; i++)); do [ "$(cat "$TMP/pid" 2>/dev/null | wc -l)" = 3 ] && break; sleep 0.05; done
	pid=$(sed -n 1p "$TMP/pid")
	ma=$(printf '0x%016x' "$(sed -n 2p "$TMP/pid")")
	mb=$(printf '0x%016x' "$(sed -n 3p "$TMP/pid")")
}
# wait_exit: wait up to 10 s for the tool to end by itself; its exit status (124: it did not).
wait_exit() {
	local i rc
	for ((i = 0; i < 100; i++)); do
		kill -0 "$TOOL_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$TOOL_PID" 2>/dev/null && { kill_tool; return 124; }
	wait "$TOOL_PID"
	rc=$?
	TOOL_PID=
	return $rc
}
# under FILE HEADLINE-REGEX: the frames under the first line matching it.
under() { awk -v re="$2" 'on && /^    / { print; next } on { exit } $0 ~ re { on = 1 }' "$1"; }

# --- the best path: uprobes, tp_btf -----------------------------------------------
workload
if start_tool "$TMP/out" deadlock -v "$pid"; then
	echo go >"$TMP/gate"
	wait_exit
	check "the inversion found: ends by itself with status 1" test $? = 1
	check_path "the best path: uprobes on the lock functions, tp_btf" "$TMP/out.err" \
		pthread_mutex_lock=uprobe pthread_mutex_unlock=uprobe pthread_create=uprobe \
		task_newtask=tp_btf sched_process_exit=tp_btf buffer=ringbuf core=cut
	check "Potential Deadlock Detected!" grep -qx "Potential Deadlock Detected!" "$TMP/out"
	cyc=$(grep '^Cycle in lock order graph: ' "$TMP/out")
	if [[ $cyc =~ ^Cycle\ in\ lock\ order\ graph:\ Mutex\ M0\ \((0x[0-9a-f]{16})\)\ =\>\ Mutex\ M1\ \((0x[0-9a-f]{16})\)\ =\>\ Mutex\ M0\ \((0x[0-9a-f]{16})\)$ ]] &&
		[ "${BASH_REMATCH[1]}" = "${BASH_REMATCH[3]}" ] &&
		[ "$(printf '%s\n' "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}" | sort | tr '\n' ' ')" = "$(printf '%s\n' "$ma" "$mb" | sort | tr '\n' ' ')" ]; then
		ok "the cycle: M0 => M1 => M0, the addresses of A and B"
	else
		fail "the cycle: M0 => M1 => M0, the addresses of A and B" "A $ma B $mb: $cyc"
	fi
	# Each thread takes its first mutex in lock_marked_first, its second in lock_marked_second.
	frames() { under "$TMP/out" "$1" | sed -n 2,3p | tr -d ' ' | tr '\n' ' '; }
	got=$(frames "^Mutex M[01] \\($mb\\) acquired here while holding Mutex M[01] \\($ma\\) in Thread [0-9]+ \\(inv\\):\$")
	check "B taken while holding A: in lock_marked_second from deadlock_marked_ab" \
		test "$got" = "lock_marked_second deadlock_marked_ab "
	got=$(frames "^Mutex M[01] \\($ma\\) previously acquired by the same Thread [0-9]+ \\(inv\\) here:\$")
	check "A held since lock_marked_first in deadlock_marked_ab" \
		test "$got" = "lock_marked_first deadlock_marked_ab "
	got=$(frames "^Mutex M[01] \\($ma\\) acquired here while holding Mutex M[01] \\($mb\\) in Thread [0-9]+ \\(inv\\):\$")
	check "A taken while holding B: in lock_marked_second from deadlock_marked_ba" \
		test "$got" = "lock_marked_second deadlock_marked_ba "
	got=$(frames "^Mutex M[01] \\($mb\\) previously acquired by the same Thread [0-9]+ \\(inv\\) here:\$")
	check "B held since lock_marked_first in deadlock_marked_ba" \
		test "$got" = "lock_marked_first deadlock_marked_ba "
	n=$(grep -cE "^Thread [0-9]+ created by Thread $pid \\(inv\\) here:\$" "$TMP/out")
	got=$(under "$TMP/out" "^Thread [0-9]+ created by Thread $pid " | tr -d ' ' | sed 's/@.*//' | head -n 3 | tr '\n' ' ')
	check "both threads created by the process's main thread, in run() from main()" \
		test "$n:$got" = "2:pthread_create run main "
else
	fail "deadlock starts" "$(tail -n 3 "$TMP/out.err")"
	echo go >"$TMP/gate"
fi
wait

# --- raw_tp, --json --------------------------------------------------------------
workload
if BPFSCOPE_AVOID=tp_btf start_tool "$TMP/j" deadlock --json -v "$pid"; then
	echo go >"$TMP/gate"
	wait_exit
	check "--json: status 1" test $? = 1
	check_path "BPFSCOPE_AVOID=tp_btf: raw_tp" "$TMP/j.err" task_newtask=raw_tp sched_process_exit=raw_tp
	want=$(printf '%d %d' "$ma" "$mb" | tr ' ' '\n' | sort -n | tr '\n' ' ')
	got=$(jq -r '.cycle | sort | map(tostring) | join(" ")' "$TMP/j")
	check "--json: the cycle has A and B" test "$got " = "$want"
	got=$(jq -r '[.edges[] | "\(.acquired_at.user_stack[-3:-1] | join(","))/\(.held_since.user_stack[-3:-1] | join(","))"] | sort | join(" ")' "$TMP/j")
	check "--json: acquired_at lock_marked_second, held_since lock_marked_first, in each thread" \
		test "$got" = "deadlock_marked_ab,lock_marked_second/deadlock_marked_ab,lock_marked_first deadlock_marked_ba,lock_marked_second/deadlock_marked_ba,lock_marked_first"
	got=$(jq -r '[.edges[] | "\(.thread.parent_tid) \(.thread.created_at.user_stack[-3:] | map(sub("@.*"; "")) | join(","))"] | unique | join(";")' "$TMP/j")
	check "--json: each thread created by the process in run()" test "$got" = "$pid main,run,pthread_create"
else
	fail "deadlock --json starts" "$(tail -n 3 "$TMP/j.err")"
	echo go >"$TMP/gate"
fi
wait

# --- no inversion; the classic tracepoint; --dump-graph ---------------------------
workload ordered
if BPFSCOPE_AVOID=tp_btf,raw_tp start_tool "$TMP/o" deadlock -v --dump-graph "$TMP/g.json" "$pid"; then
	echo go >"$TMP/gate"
	wait_exit
	check "no inversion: ends with the process, status 0" test $? = 0
	check_path "BPFSCOPE_AVOID=tp_btf,raw_tp: the classic tracepoint" "$TMP/o.err" \
		task_newtask=tracepoint sched_process_exit=tracepoint
	if grep -q "Potential Deadlock" "$TMP/o"; then fail "no inversion: nothing reported" "reported"
	else ok "no inversion: nothing reported"; fi
	got=$(jq -r '.nodes as $n | [.links[] | "\($n[.source].id) \($n[.target].id) \(.thread_comm)"] | join(";")' "$TMP/g.json")
	check "--dump-graph: the one edge A -> B" test "$got" = "$(printf '%d %d inv' "$ma" "$mb")"
else
	fail "deadlock --dump-graph starts" "$(tail -n 3 "$TMP/o.err")"
	echo go >"$TMP/gate"
fi
wait

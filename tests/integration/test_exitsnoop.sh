#!/bin/bash
# exitsnoop: processes with unique names exit with a unique code, by a
# random signal, with a core dump, after a known sleep; each shows with its
# PID, parent, age and status, through every hook kind and both buffers, and
# each filter keeps its marked exit and drops another.
. "$(dirname "$0")/../lib.sh"

need jq
u=$RANDOM$RANDOM
code=$((RANDOM % 200 + 20))
sigs=(HUP USR1 USR2 ALRM TERM)
sig=${sigs[RANDOM % ${#sigs[@]}]}
signum=$(kill -l "$sig")
sigtext=$(python3 -c 'import signal, sys; print(signal.strsignal(int(sys.argv[1])))' "$signum")
me=$BASHPID
# The comm of a program is the name it was run by: a link to bash per role.
for role in ec es ed ez eu cn co tp; do ln -s /bin/bash "$TMP/${role}_$u"; done
mkfifo "$TMP/fifo" "$TMP/gate"
mkdir "$TMP/core"
cc -O1 -pthread -o "$TMP/spawn" "$TOP/tests/integration/helpers/threadsnoop_spawn.c" ||
	bail_out "the thread workload builds" "cc failed"

# One of each exit, children of this shell: their PIDs in code_pid, sig_pid,
# core_pid, zero_pid; the first lives 1 s (a read that times out).  The core
# limit is raised (past the hard limit where root may: CAP_SYS_RESOURCE; a core
# file is checked for).
run_exits() {
	"$TMP/ec_$u" -c 'exec 3<>"$1"; read -t 1 -u 3; exit "$2"' _ "$TMP/fifo" "$code" &
	code_pid=$!
	"$TMP/es_$u" -c "kill -$sig \$\$" &
	sig_pid=$!
	(cd "$TMP/core" && { ulimit -c unlimited 2>/dev/null || ulimit -S -c "$(ulimit -H -c)"; } && exec "$TMP/ed_$u" -c 'kill -ABRT $$') &
	core_pid=$!
	"$TMP/ez_$u" -c 'exit 0' &
	zero_pid=$!
	wait "$code_pid" "$sig_pid" "$core_pid" "$zero_pid" 2>/dev/null
}

# line_for COMM PID: the output line of that exit.
line_for() { grep -E -- "(^| )${1:0:15} +$2 " "$TMP/out"; }

# --- best path (tp_btf), -t ---------------------------------------------------
start_tool "$TMP/out" exitsnoop -t -v || bail_out "exitsnoop starts" "$(cat "$TMP/out.err")"
run_exits
"$TMP/spawn" "th_$u" "$TMP/tids" 2
wait_for "$TMP/out" "th_$u" 5
sleep 0.3
stop_tool INT
check "stops with status 0" test $? = 0
check_path "the best path: tp_btf, ring buffer, CO-RE against the cut BTF" "$TMP/out.err" \
	sched_process_exit=tp_btf buffer=ringbuf core=cut
check "-t: header TIME(s) PCOMM PID PPID TID AGE(s) EXIT_CODE" \
	grep -qE '^TIME\(s\) +PCOMM +PID +PPID +TID +AGE\(s\) +EXIT_CODE$' "$TMP/out"
line=$(line_for "ec_$u" "$code_pid")
if [[ $line =~ ^[0-2][0-9]:[0-5][0-9]:[0-6][0-9]\ +ec_$u\ +$code_pid\ +$me\ +$code_pid\ +([0-9.]+)\ +code\ $code$ ]] &&
	awk -v a="${BASH_REMATCH[1]}" 'BEGIN { exit !(a >= 1.0 && a < 1.6) }'; then
	ok "exit code $code: time, PID, PPID, TID, AGE of a 1 s life (1.00-1.59), 'code $code'"
else
	fail "exit code $code: time, PID, PPID, TID, AGE of a 1 s life (1.00-1.59), 'code $code'" \
		"pid $code_pid ppid $me: ${line:-no line}"
fi
check "killed by SIG$sig: 'signal $signum ($sigtext)'" \
	grep -qE -- " es_$u +$sig_pid +$me +$sig_pid +0\.[0-9]+ +signal $signum \($sigtext\)$" "$TMP/out"
if ls "$TMP/core" | grep -q .; then
	check "SIGABRT with a core file written: 'signal 6 (Aborted), core dumped'" \
		grep -qE -- " ed_$u +$core_pid +$me +$core_pid +[0-9.]+ +signal 6 \(Aborted\), core dumped$" \
		"$TMP/out"
else
	skip "SIGABRT with a core file: 'core dumped'" "no core file written (hard core size limit: $(ulimit -H -c), core_pattern: $(cat /proc/sys/kernel/core_pattern))"
fi
check "exit 0 shows as 0" grep -qE -- " ez_$u +$zero_pid +$me +$zero_pid +[0-9.]+ +0$" "$TMP/out"
{ read -r tpid; read -r tid1; read -r tid2; } <"$TMP/tids"
if [ "$(grep -c " th_$u " "$TMP/out")" = 1 ] && line_for "th_$u" "$tpid" | grep -qE " $tpid +[0-9.]+ +0$"; then
	ok "without -T only the process exits, not its threads"
else
	fail "without -T only the process exits, not its threads" "$(grep " th_$u " "$TMP/out")"
fi

# --- raw_tp, --json, -x -----------------------------------------------------------
BPFSCOPE_AVOID=tp_btf start_tool "$TMP/out" exitsnoop --json -x -v ||
	bail_out "exitsnoop --json -x starts" "$(cat "$TMP/out.err")"
run_exits
wait_for "$TMP/out" "\"ec_$u\"" 5
sleep 0.3
stop_tool INT
check_path "BPFSCOPE_AVOID=tp_btf: raw_tp" "$TMP/out.err" sched_process_exit=raw_tp buffer=ringbuf
q='select(.comm == $c) | [.pid, .ppid, .tid, .exit_code, .sig, (.signal // "-"), .core_dumped, (.age >= 1 and .age < 1.6)] | map(tostring) | join(" ")'
got=$(jq -r --arg c "ec_$u" "$q" "$TMP/out" 2>&1)
check "--json: exit code $code, no signal, age of 1 s" test "$got" = "$code_pid $me $code_pid $code 0 - false true"
got=$(jq -r --arg c "es_$u" "$q" "$TMP/out" 2>&1)
check "--json: signal $signum named SIG$sig, exit code 0" test "$got" = "$sig_pid $me $sig_pid 0 $signum SIG$sig false false"
if ls "$TMP/core" | grep -q .; then
	got=$(jq -r --arg c "ed_$u" 'select(.comm == $c) | "\(.sig) \(.core_dumped)"' "$TMP/out" 2>&1)
	check "--json: core_dumped true" test "$got" = "6 true"
fi
if grep -q "ez_$u" "$TMP/out"; then fail "-x hides a process that exited with 0" "shown"
else ok "-x hides a process that exited with 0"; fi

# --- classic tracepoint, -T, -p ---------------------------------------------------
# The target waits at a gate so that it is alive when -p checks it.
"$TMP/tp_$u" -c 'read -r _ <"$1"; exec "$2" "$3" "$4" 2' _ "$TMP/gate" "$TMP/spawn" "tt_$u" "$TMP/tids" &
target=$!
if BPFSCOPE_AVOID=tp_btf,raw_tp start_tool "$TMP/out" exitsnoop -T -p "$target" -v; then
	echo go >"$TMP/gate"
	"$TMP/ec_$u" -c 'exit 3'
	wait "$target"
	wait_for "$TMP/out" "tt_$u +$target +$me +$target " 5
	sleep 0.3
	stop_tool INT
else
	fail "exitsnoop -T -p starts" "$(tail -n 2 "$TMP/out.err")"
	echo go >"$TMP/gate"
	wait "$target"
fi
check_path "BPFSCOPE_AVOID=tp_btf,raw_tp: the classic tracepoint" "$TMP/out.err" \
	sched_process_exit=tracepoint
{ read -r tpid; read -r tid1; read -r tid2; } <"$TMP/tids"
check "-T: the threads' exits, with their TIDs" test "$(grep -cE "^tt_$u +$target +$me +($tid1|$tid2) +[0-9.]+ +0$" "$TMP/out")" = 2
check "-T: the process's own exit" grep -qE "^tt_$u +$target +$me +$target +[0-9.]+ +0$" "$TMP/out"
if grep -q "ec_$u" "$TMP/out"; then fail "-p PID hides another process" "shown"
else ok "-p PID hides another process"; fi

# --- perf buffer, -u ------------------------------------------------------------
BPFSCOPE_AVOID=ringbuf start_tool "$TMP/out" exitsnoop -u 65534 -v ||
	bail_out "exitsnoop -u starts" "$(cat "$TMP/out.err")"
"$TMP/ec_$u" -c 'exit 8'
run_as_nobody "$TMP/eu_$u" -c 'exit 9'
wait_for "$TMP/out" "eu_$u" 5
sleep 0.3
stop_tool INT
check_path "BPFSCOPE_AVOID=ringbuf: the perf buffer" "$TMP/out.err" buffer=perfbuf
check "-u UID shows that user's exit" grep -qE "^eu_$u +[0-9]+ +[0-9]+ +[0-9]+ +[0-9.]+ +code 9$" "$TMP/out"
if grep -q "ec_$u" "$TMP/out"; then fail "-u UID hides root's exit" "shown"
else ok "-u UID hides root's exit"; fi

# --- -c CGROUP and -n NAME --------------------------------------------------------
cgroot=$(findmnt -n -o TARGET -t cgroup2 | head -1)
cg=$cgroot/bpfscope-exitsnoop-$$
if [ -z "$cgroot" ] || ! mkdir "$cg" 2>/dev/null; then
	skip "-c CGROUP and -n NAME" "no writable cgroup v2 hierarchy"
elif on_exit rmdir "$cg" && start_tool "$TMP/out" exitsnoop -c "$cg" -n "cn_$u"; then
	"$TMP/cn_$u" -c 'exit 13'
	(echo $BASHPID >"$cg/cgroup.procs" && { "$TMP/co_$u" -c 'exit 12'; "$TMP/cn_$u" -c 'exit 11'; })
	wait_for "$TMP/out" "cn_$u" 5
	sleep 0.3
	stop_tool INT
	check "-c CGROUP -n NAME: the named process in the cgroup" grep -q "cn_$u .* code 11$" "$TMP/out"
	if grep -q "code 13$" "$TMP/out"; then fail "-c CGROUP hides the same name outside" "shown"
	else ok "-c CGROUP hides the same name outside"; fi
	if grep -q "co_$u" "$TMP/out"; then fail "-n NAME hides another name in the cgroup" "shown"
	else ok "-n NAME hides another name in the cgroup"; fi
else
	fail "exitsnoop -c starts" "$(cat "$TMP/out.err" 2>/dev/null)"
fi

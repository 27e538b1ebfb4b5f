#!/bin/bash
# pidpersec: processes that stop themselves until the tools are attached, then
# fork a known number of children (or start threads).  Each run must count
# exactly the forks its filter selects (-c cgroup, -p list), on each hook kind,
# and a system-wide run at least all of them.
. "$(dirname "$0")/../lib.sh"
need busybox jq

[ -x "$BIN/pidpersec" ] || skip_all "bin/pidpersec is not built"
PY=/usr/bin/python3
[ -x "$PY" ] || skip_all "needs $PY"
cg2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
[ -n "$cg2" ] || skip_all "needs a cgroup v2 hierarchy"
cg=$cg2/$(marker pps)
mkdir "$cg" || bail_out "pidpersec: make a cgroup" "mkdir $cg failed"
on_exit "rmdir $cg"

# reap_at_exit PID: kill PID at the end if it is still a child of this shell
# (an exited one's number may belong to someone else by then).
reap_at_exit() {
	on_exit "[ \"\$(sed 's/.*) //' /proc/$1/stat 2>/dev/null | cut -d' ' -f2)\" = $BASHPID ] && kill -KILL $1"
}

# wait_stopped PID: until the process has stopped itself (SIGSTOP).
wait_stopped() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" = T ] && return 0
		sleep 0.02
	done
	return 1
}

# forker N [CGROUP]: a shell that moves into CGROUP, stops itself, then forks
# N children (ash forks once per '&'); its PID in $!.
forker() {
	busybox sh -c '[ -z "$2" ] || echo $$ >"$2/cgroup.procs"; kill -STOP $$
		i=0; while [ $i -lt $1 ]; do true & i=$((i + 1)); done; wait' _ "$@" &
	reap_at_exit $!
}

# threads N: a process that stops itself, then starts N threads; its PID in $!.
threads() {
	"$PY" -c 'import os, signal, sys, threading
os.kill(os.getpid(), signal.SIGSTOP)
ts = [threading.Thread(target=int) for _ in range(int(sys.argv[1]))]
for t in ts: t.start()
for t in ts: t.join()' "$1" &
	reap_at_exit $!
}

# start_bg OUT ARGS...: pidpersec ARGS in the background until attached; its PID in BG.
start_bg() {
	local out=$TMP/$1 i
	shift
	BPFSCOPE_READY_FILE=$out.ready env --default-signal=INT "$BIN/pidpersec" "$@" >"$out" \
		2>"$out.err" &
	BG=$!
	reap_at_exit $BG
	for ((i = 0; i < 200; i++)); do
		[ -e "$out.ready" ] && return 0
		kill -0 $BG 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# The marked processes: 7 forks in the cgroup, 11 forks and 5 threads outside
# it, and one for each forced hook kind.
forker 7 "$cg"
in_cg=$!
forker 11
fork11=$!
threads 5
thr5=$!
forker 4
raw4=$!
forker 3
tp3=$!
for p in $in_cg $fork11 $thr5 $raw4 $tp3; do
	wait_stopped $p || bail_out "pidpersec: workload" "process $p did not stop itself"
done

started=1
start_bg all -v --json 30 && all=$BG || started=0
start_bg list --json -p $fork11,$thr5 30 && list=$BG || started=0
BPFSCOPE_AVOID=tp_btf start_bg raw -v --json -p $raw4 30 && raw=$BG || started=0
BPFSCOPE_AVOID=tp_btf,raw_tp start_bg tp -v --json -p $tp3 30 && tp=$BG || started=0
start_bg cg -c "$cg" 1 && incg=$BG || started=0
start_bg cgcount -c "$cg" 1 3 && cgcount=$BG || started=0
[ $started = 1 ] || bail_out "pidpersec: start" "$(cat "$TMP"/*.err | head -c 600)"

# The -c run's intervals: the forks go right after its first line, in the
# intervals after it, however many they take (five processes woken at once on
# a loaded machine may fork across an interval's end); the run is stopped
# once the interval they ended in is out (the next line).  The first line
# must be 0, the others add up to the forks.
wait_for "$TMP/cg" '^[0-9:]+: PIDs/sec: ' 3 || bail_out "pidpersec -c: a first line" "$(cat "$TMP/cg")"
kill -CONT $in_cg $fork11 $thr5 $raw4 $tp3
wait $in_cg $fork11 $thr5 $raw4 $tp3
n=$(grep -c ': PIDs/sec: ' "$TMP/cg")
for ((i = 0; i < 100; i++)); do
	[ "$(grep -c ': PIDs/sec: ' "$TMP/cg")" -gt "$n" ] && break
	sleep 0.05
done
sleep 0.2
for p in $all $list $raw $tp $incg; do kill -INT $p; done
status=
for p in $all $list $raw $tp $incg; do
	wait $p
	status="$status $?"
done
# INTERVAL COUNT: that run exits by itself after its third line.
await_exit $cgcount 5
rc=$EXIT_STATUS

# -c CGROUP INTERVAL COUNT: the banner, then three lines, then it exits.
lines=$(grep -cE '^[0-9]{2}:[0-9]{2}:[0-9]{2}: PIDs/sec: [0-9]+$' "$TMP/cgcount")
banner="Tracing new processes... Hit Ctrl-C to end."
if [ "$rc" = 0 ] && [ "$(head -n 1 "$TMP/cgcount")" = "$banner" ] &&
	[ "$lines" = 3 ] && [ "$(wc -l <"$TMP/cgcount")" = 4 ]; then
	ok "pidpersec -c CG 1 3: the banner, then three lines HH:MM:SS: PIDs/sec: N, then exits"
else
	fail "pidpersec -c CG 1 3: the banner, then three lines HH:MM:SS: PIDs/sec: N, then exits" \
		"status $rc: $(head -c 300 "$TMP/cgcount")"
fi
# -c CGROUP INTERVAL: 0 before the forks, then the 7 forks in the cgroup, in
# whichever intervals they fell (the last one, cut short by SIGINT, quiet).
counts=$(sed -n 's/^[0-9:]*: PIDs\/sec: //p' "$TMP/cg" | tr '\n' ' ')
rest=$(awk '{ for (i = 2; i <= NF; i++) n += $i } END { print n + 0 }' <<<"$counts")
if [ "$(head -n 1 "$TMP/cg")" = "$banner" ] && [ "${counts%% *}" = 0 ] && [ "$rest" = 7 ]; then
	ok "pidpersec -c: 0 before the forks, then the 7 forks in the cgroup, none outside it"
else
	fail "pidpersec -c: 0 before the forks, then the 7 forks in the cgroup, none outside it" \
		"counts: $counts(want 0, then lines adding up to 7: $rest)"
fi

if [ "$status" = " 0 0 0 0 0" ]; then
	ok "pidpersec: every run stops on SIGINT with status 0"
else
	fail "pidpersec: every run stops on SIGINT with status 0" "statuses:$status"
fi

# pids OUT: the forks of the one (partial) interval of a --json run.
pids() { jq -s 'map(.pids) | add' "$TMP/$1" 2>/dev/null; }

# -p A,B --json: one object for the interval cut short, its rate by its length.
if jq -e -s 'length == 1 and (.[0] | (.time | test("^[0-9]{2}:[0-9]{2}:[0-9]{2}$"))
	and .secs > 0 and .secs < 30 and .pids == 16
	and .pids_per_sec == ((.pids / .secs) | floor))' "$TMP/list" >/dev/null; then
	ok "pidpersec -p A,B --json: 11 forks and 5 threads, rate over the interval's own length"
else
	fail "pidpersec -p A,B --json: 11 forks and 5 threads, rate over the interval's own length" \
		"$(head -c 300 "$TMP/list")"
fi

n=$(pids all)
if [ "${n:-0}" -ge 30 ]; then
	ok "pidpersec (all): at least the 30 marked forks and threads ($n)"
else
	fail "pidpersec (all): at least the 30 marked forks and threads" "counted ${n:-none}"
fi
check_path "pidpersec takes tp_btf" "$TMP/all.err" kinds=tp_btf sched_process_fork=tp_btf

check_path "pidpersec: BPFSCOPE_AVOID=tp_btf takes raw_tp" "$TMP/raw.err" \
	kinds=raw_tp sched_process_fork=raw_tp
check "pidpersec [raw_tp] -p: the 4 forks" test "$(pids raw)" = 4
check_path "pidpersec: BPFSCOPE_AVOID=tp_btf,raw_tp takes the tracepoint" "$TMP/tp.err" \
	kinds=tracepoint sched_process_fork=tracepoint
check "pidpersec [tracepoint] -p: the 3 forks" test "$(pids tp)" = 3

# Without any usable hook: one line naming what each alternative lacks.
BPFSCOPE_AVOID=tp_btf,raw_tp,tracepoint "$BIN/pidpersec" >"$TMP/o" 2>"$TMP/e"
rc=$?
if [ $rc = 1 ] && [ "$(wc -l <"$TMP/e")" = 1 ] && [ ! -s "$TMP/o" ] &&
	grep -q '^pidpersec: cannot trace sched_process_fork on this kernel: tp_btf .*raw_tp .*tracepoint ' "$TMP/e"; then
	ok "pidpersec: no usable hook is a one-line error"
else
	fail "pidpersec: no usable hook is a one-line error" "status $rc: $(cat "$TMP/e")"
fi

#!/bin/bash
# cpudist: processes with a known work/sleep cycle (SCHED_FIFO, so nothing
# cuts their slices short) and CPU hogs pinned to one CPU, started once every
# instance of the tool is attached.  Each instance must count exactly the
# slices and sleeps of its target, and a hog's slices must equal the times
# its context switches the kernel counted.
# serial: SCHED_FIFO work on CPU 1 and two hogs on CPU 0 for a second
. "$(dirname "$0")/../lib.sh"
need taskset chrt cc jq

[ -x "$BIN/cpudist" ] || skip_all "bin/cpudist is not built"
cc -O1 -pthread -o "$TMP/cycle" "$TOP/tests/integration/helpers/cpudist_cycle.c" ||
	bail_out "cpudist: build helper" "cc failed"

tag=$((RANDOM % 10000))$$
declare -A PID FD

# spawn KEY PREFIX... CMD: a helper waiting for "go" on its own FIFO (held open here).
spawn() {
	local key=$1 fifo=$TMP/go.$1 fd i
	shift
	mkfifo "$fifo"
	exec {fd}<>"$fifo"
	FD[$key]=$fd
	"$@" <"$fifo" >"$TMP/done.$key" &
	PID[$key]=$!
	on_exit "kill -KILL ${PID[$key]}"
}

# ready KEY NAME THREADS: the helper runs under NAME with its threads, waiting.
ready() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ "$(cat "/proc/${PID[$1]}/comm" 2>/dev/null)" = "$2" ] &&
			[ "$(ls "/proc/${PID[$1]}/task" | wc -l)" = "$3" ] && return 0
		sleep 0.02
	done
	return 1
}

# ran PID: the times the task left a CPU (its voluntary and involuntary context switches).
ran() { awk '/^(non)?voluntary_ctxt_switches:/ { n += $2 } END { print n }' "/proc/$1/status"; }

nA=cdA$tag nL=cdL$tag nX=cdX$tag nY=cdY$tag
# A: 20 x (5 ms of work, 20 ms asleep) on CPU 1.  L: two threads, 40 x (2.5 ms, 10 ms) on CPU 0.
spawn A chrt -f 10 taskset -c 1 "$TMP/cycle" "$nA" 1 5000 20000 20
spawn L chrt -f 10 taskset -c 0 "$TMP/cycle" "$nL" 2 2500 10000 40
# X, Y: CPU hogs for a second on CPU 0, each preempted by the other (and by L).
spawn X taskset -c 0 "$TMP/cycle" "$nX" 1 1000000 0 1
spawn Y taskset -c 0 "$TMP/cycle" "$nY" 1 1000000 0 1
for k in A:$nA:1 L:$nL:2 X:$nX:1 Y:$nY:1; do
	IFS=: read -r key name threads <<<"$k"
	ready "$key" "$name" "$threads" || bail_out "cpudist: helper $name" "did not start"
done

cg2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
cg=
if [ -n "$cg2" ] && mkdir "$cg2/bpfscope_cpudist_$$" 2>/dev/null; then
	cg=$cg2/bpfscope_cpudist_$$
	on_exit "echo ${PID[X]} >$cg2/cgroup.procs; rmdir $cg"
	echo "${PID[X]}" >"$cg/cgroup.procs"
fi

# Every instance at once, each attached before the work starts.
declare -A TPID
run() {
	local key=$1
	shift
	if start_tool "$TMP/$key" cpudist "$@"; then
		TPID[$key]=$TOOL_PID
	else
		fail "cpudist $*: starts" "$(tail -n 2 "$TMP/$key.err")"
	fi
	TOOL_PID=
}
run on -p "${PID[A]}"
run off -O -m -p "${PID[A]}"
run tids -L -p "${PID[L]}"
run all --json -P
run idle --json -I -P
[ -z "$cg" ] || run cg -c "$cg" -P
BPFSCOPE_AVOID=tp_btf run raw -v -p "${PID[A]}"
BPFSCOPE_AVOID=tp_btf,raw_tp run tp -v -O -P -p "${PID[A]}"
timeout 20 "$BIN/cpudist" -T -p "${PID[A]}" 1 2 >"$TMP/ic" 2>"$TMP/ic.err" &
icpid=$!
ranX0=$(ran "${PID[X]}") ranY0=$(ran "${PID[Y]}")
# idle_ticks: the CPUs' idle time so far, in ticks (/proc/stat)
idle_ticks() { awk '$1 == "cpu" { print $5 }' /proc/stat; }
idle0=$(idle_ticks)
tidsL=$(ls "/proc/${PID[L]}/task" | sort -n)

for key in A L X Y; do echo g >&"${FD[$key]}"; done
for key in A L X Y; do
	wait_for "$TMP/done.$key" '^done$' 10 || fail "cpudist: helper $key" "did not finish"
done
ranX=$(($(ran "${PID[X]}") - ranX0)) ranY=$(($(ran "${PID[Y]}") - ranY0))
idlet=$(($(idle_ticks) - idle0))
sleep 0.1
declare -A RC
for key in "${!TPID[@]}"; do
	TOOL_PID=${TPID[$key]}
	stop_tool INT
	RC[$key]=$?
done

# rows FILE [LABEL ID]: "low count" per histogram row (of section "LABEL = ID ..." only).
rows() {
	awk -v want="${2:+$2 = $3 }" '
		/^(pid|tid) = / { insec = want != "" && index($0, want) == 1; next }
		/ -> / && (want == "" || insec) { print $1, $5 }' "$1"
}
# count FILE LOW HIGH [LABEL ID]: the count in the rows from LOW to below HIGH.
count() {
	local f=$1 lo=$2 hi=$3
	shift 3
	rows "$f" "$@" | awk -v lo="$lo" -v hi="$hi" '$1 >= lo && $1 < hi { n += $2 } END { print n + 0 }'
}
sections() { grep -E '^(pid|tid) = ' "$1"; }
stopped() { [ "${RC[$1]}" = 0 ] || { fail "cpudist $2" "exit status ${RC[$1]}: $(tail -n 2 "$TMP/$1.err")"; return 1; }; }

# On-CPU, -p A: its 20 slices of 5 ms, nothing of L's 2.5 ms slices or of the hogs'.
check_on() {
	local f=$1 what=$2 five others
	five=$(count "$f" 4096 8192)
	others=$(count "$f" 1024 4096)
	# (SCHED_FIFO keeps other tasks off the CPU, not the stop class: a migration
	# on a shared machine may cut one slice in two)
	if [ "$five" -ge 19 ] && [ "$five" -le 20 ] && [ "$others" -le $((2 * (20 - five))) ] &&
	   ! grep -q '^pid = ' "$f" &&
	   grep -q '^Tracing on-CPU time' "$f" && grep -q ' usecs  *: count' "$f"; then
		ok "cpudist $what: the 20 slices of 5 ms of that process only"
	else
		fail "cpudist $what" "4-8 ms: $five (want 20), 1-4 ms: $others (want 0): $(head -c 700 "$f")"
	fi
}
stopped on "-p PID" && check_on "$TMP/on" "-p PID"
if stopped raw "-p PID (raw_tp)"; then
	check_path "cpudist: BPFSCOPE_AVOID=tp_btf takes raw_tp" "$TMP/raw.err" \
		kinds=raw_tp sched_switch=raw_tp
	check_on "$TMP/raw" "-p PID on raw_tp"
fi

# -O -m: its 20 sleeps of 20 ms, in msecs.
if stopped off "-O -m -p PID"; then
	n=$(count "$TMP/off" 16 32)
	all=$(count "$TMP/off" 0 999999999)
	# (on a loaded 6.18 the tracepoint now and then misses a switch: see near())
	if [ "$n" -ge 19 ] && [ "$n" -le 20 ] && [ "$all" -le 22 ] &&
	   grep -q '^Tracing off-CPU time' "$TMP/off" &&
	   grep -q ' msecs  *: count' "$TMP/off"; then
		ok "cpudist -O -m -p PID: the 20 sleeps of 20 ms, in msecs"
	else
		fail "cpudist -O -m -p PID" "16-31 ms: $n (want 20), all: $all: $(head -c 900 "$TMP/off")"
	fi
fi

# The classic tracepoint, -O -P: the same sleeps, under the process's label.
if stopped tp "-O -P on the tracepoint"; then
	check_path "cpudist: BPFSCOPE_AVOID=tp_btf,raw_tp takes the tracepoint" "$TMP/tp.err" \
		kinds=tracepoint sched_switch=tracepoint sched_process_free=tracepoint
	n=$(count "$TMP/tp" 16384 32768 pid "${PID[A]}")
	if [ "$n" -ge 19 ] && [ "$n" -le 20 ] && [ "$(sections "$TMP/tp")" = "pid = ${PID[A]} $nA" ]; then
		ok "cpudist -O -P -p PID on the tracepoint: the 20 sleeps under 'pid = PID comm'"
	else
		fail "cpudist -O -P on the tracepoint" "16-32 ms: $n: $(head -c 900 "$TMP/tp")"
	fi
fi

# -L: a histogram per thread of L, each with its 40 slices of 2.5 ms.
if stopped tids "-L -p PID"; then
	want=$(sed "s/.*/tid = & $nL/" <<<"$tidsL")
	got=$(sections "$TMP/tids" | sort -t' ' -k3n)
	bad=
	for t in $tidsL; do
		n=$(count "$TMP/tids" 2048 4096 tid "$t")
		[ "$n" -ge 39 ] && [ "$n" -le 40 ] || bad="$bad tid $t: $n"
	done
	if [ "$want" = "$got" ] && [ -z "$bad" ]; then
		ok "cpudist -L -p PID: a histogram per thread, 40 slices of 2.5 ms each"
	else
		fail "cpudist -L -p PID" "want [$want] got [$got];$bad $(cat "$TMP/tids")"
	fi
fi

# --json -P, system-wide: each hog's slices are its context switches
# (slices cut by preemption count as much as those ending in a sleep).
# near SLICES SWITCHES: a slice is counted between a switch in and a switch out; on
# 6.18 the tracepoint shows a task switched out a time or two more often than in.
near() { [ "$1" -le "$2" ] && [ "$1" -ge $(($2 - 3)) ]; }
jsec() { jq -c --argjson p "$2" '.hists[] | select(.pid == $p)' "$1"; }
jtotal() { jq -s --argjson p "$2" '[.[].hists[] | select(.pid == $p) | .hist.total] | add // 0' "$1"; }
if stopped all "--json -P"; then
	x=$(jtotal "$TMP/all" "${PID[X]}")
	y=$(jtotal "$TMP/all" "${PID[Y]}")
	a=$(jq -s --argjson p "${PID[A]}" '[.[].hists[] | select(.pid == $p) | .hist.buckets[] |
		select(.low == 4096) | .count] | add // 0' "$TMP/all")
	comm=$(jsec "$TMP/all" "${PID[X]}" | jq -r .comm)
	form=$(jq -c 'select(.unit != "usecs" or .measure != "on-cpu" or
		(.time | test("^..:..:..$") | not) or
		any(.hists[]; .hist.total != ([.hist.buckets[].count] | add)))' "$TMP/all")
	idle=$(jsec "$TMP/all" 0)
	if near "$x" "$ranX" && near "$y" "$ranY" && [ "$x" -gt 20 ] && [ "$a" -ge 19 ] &&
	   [ "$comm" = "$nX" ] && [ -z "$form" ] && [ -z "$idle" ] &&
	   [ "$(wc -l <"$TMP/all")" = 1 ]; then
		ok "cpudist --json -P: each hog's slices = its context switches ($x, $y), no idle"
	else
		fail "cpudist --json -P" "X: $x slices, ran $ranX; Y: $y, ran $ranY; A 4 ms: $a;" \
			"comm '$comm'; idle: ${idle:0:80}; bad: ${form:0:200}; $(cat "$TMP/all.err")"
	fi
fi

# -I: the idle tasks are in (as pid 0), if the CPUs were idle at all (a busy shared machine).
if [ "$idlet" -lt 5 ]; then
	skip "cpudist -I -P" "the CPUs were idle for $idlet ticks only"
elif stopped idle "--json -I -P"; then
	if jsec "$TMP/idle" 0 | jq -e '.comm | startswith("swapper/")' >/dev/null &&
	   [ "$(jtotal "$TMP/idle" 0)" -gt 0 ]; then
		ok "cpudist -I -P: the idle tasks as pid 0"
	else
		fail "cpudist -I -P" "no pid 0 ($idlet idle ticks): $(head -c 300 "$TMP/idle")"
	fi
fi

# -c: the hog in that cgroup, not the other.
if [ -z "$cg" ]; then
	skip "cpudist: -c CGROUP" "no cgroup v2 directory can be made"
elif stopped cg "-c CGROUP -P"; then
	x=$(count "$TMP/cg" 0 999999999 pid "${PID[X]}")
	if [ "$(sections "$TMP/cg")" = "pid = ${PID[X]} $nX" ] && near "$x" "$ranX"; then
		ok "cpudist -c CGROUP -P: only the hog in that cgroup, all its $x slices"
	else
		fail "cpudist -c CGROUP -P" "slices $x, ran $ranX: $(sections "$TMP/cg" | head -5)"
	fi
fi

# INTERVAL COUNT with -T: two timestamped histograms, then it exits by itself.
if wait $icpid; then
	stamps=$(grep -cE '^[0-9]{2}:[0-9]{2}:[0-9]{2} *$' "$TMP/ic")
	hists=$(grep -c ' usecs .*: count' "$TMP/ic")
	if [ "$stamps" = 2 ] && [ "$hists" = 2 ]; then
		ok "cpudist -T 1 2: two timestamped intervals, then exits"
	else
		fail "cpudist -T 1 2" "stamps=$stamps hists=$hists: $(head -c 400 "$TMP/ic")"
	fi
else
	fail "cpudist -T 1 2" "exit status $?: $(cat "$TMP/ic.err")"
fi

# Without any usable hook: one line naming what each alternative lacks.
BPFSCOPE_AVOID=tp_btf,raw_tp,tracepoint "$BIN/cpudist" >"$TMP/o" 2>"$TMP/e"
rc=$?
if [ $rc = 1 ] && [ "$(wc -l <"$TMP/e")" = 1 ] && grep -q '^cpudist: cannot trace sched_switch' "$TMP/e"; then
	ok "cpudist: no usable hook is a one-line error"
else
	fail "cpudist: no usable hook is a one-line error" "rc=$rc: $(cat "$TMP/e")"
fi

# Bad input: one line on stderr, exit status 2.
bad_input() {
	local what=$1 rc
	shift
	"$BIN/cpudist" "$@" >"$TMP/o" 2>"$TMP/e"
	rc=$?
	if [ $rc = 2 ] && [ "$(wc -l <"$TMP/e")" = 1 ] && grep -q "^cpudist: .*$what" "$TMP/e"; then
		ok "cpudist: $* is a one-line error"
	else
		fail "cpudist: $* is a one-line error" "rc=$rc: $(cat "$TMP/e")"
	fi
}
bad_input "no such process" -p 999999999
bad_input "cannot be combined" -P -L
bad_input "interval" 0
bad_input "count" 1 x
for key in A L X Y; do eval "exec ${FD[$key]}>&-"; done

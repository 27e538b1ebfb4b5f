#!/bin/bash
# runqslower: CPU hogs and a short work/sleep cycle pinned to one CPU wait for
# each other on its run queue; started once every instance of the tool is
# attached.  Each wait must be reported once, for the right thread, with the
# task that ran before it; the sum of the waits must be what the kernel's
# schedstat says the task waited, and a threshold must keep exactly the
# waits at or above it.
# serial: three CPU hogs on CPU 0 for a second
. "$(dirname "$0")/../lib.sh"
need taskset cc jq

[ -x "$BIN/runqslower" ] || skip_all "bin/runqslower is not built"
cc -O1 -pthread -o "$TMP/cycle" "$TOP/tests/integration/helpers/cpudist_cycle.c" ||
	bail_out "runqslower: build helper" "cc failed"

tag=$((RANDOM % 10000))$$
declare -A PID FD

# spawn KEY CMD...: a helper waiting for "go" on its own FIFO (held open here).
spawn() {
	local key=$1 fifo=$TMP/go.$1 fd
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

# waited PID: nanoseconds spent waiting on a run queue, and the times it got a CPU.
waited() { awk '{ print $2, $3 }' "/proc/$1/schedstat"; }

nH=rqH$tag nT=rqT$tag nC=rqC$tag
# H: a hog for a second; T: two hog threads; C: 300 x (0.3 ms of work, 2 ms asleep).
spawn H taskset -c 0 "$TMP/cycle" "$nH" 1 1000000 0 1
spawn T taskset -c 0 "$TMP/cycle" "$nT" 2 1000000 0 1
spawn C taskset -c 0 "$TMP/cycle" "$nC" 1 300 2000 300
for k in H:$nH:1 T:$nT:2 C:$nC:1; do
	IFS=: read -r key name threads <<<"$k"
	ready "$key" "$name" "$threads" || bail_out "runqslower: helper $name" "did not start"
done
tids=$(ls "/proc/${PID[T]}/task" | sort -n)
t2=$(tail -n 1 <<<"$tids")
ours=${PID[H]},${PID[T]},${PID[C]}

cg2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
cg=
if [ -n "$cg2" ] && mkdir "$cg2/bpfscope_runqslower_$$" 2>/dev/null; then
	cg=$cg2/bpfscope_runqslower_$$
	on_exit "echo ${PID[C]} >$cg2/cgroup.procs; rmdir $cg"
	echo "${PID[C]}" >"$cg/cgroup.procs"
fi

declare -A TPID RC
run() {
	local key=$1
	shift
	if start_tool "$TMP/$key" runqslower "$@"; then
		TPID[$key]=$TOOL_PID
	else
		fail "runqslower $*: starts" "$(tail -n 2 "$TMP/$key.err")"
	fi
	TOOL_PID=
}
run all --json -p "$ours" 0
run thr --json -p "$ours" 2000
run prev -P -p "${PID[H]}" 1000
run tid -t "$t2" 0
[ -z "$cg" ] || run cg --json -c "$cg" 0
BPFSCOPE_AVOID=tp_btf run raw -v --json -p "${PID[H]}" 0
read -r delay0 runs0 < <(waited "${PID[H]}")

for key in H T C; do echo g >&"${FD[$key]}"; done
for key in H T C; do
	wait_for "$TMP/done.$key" '^done$' 10 || fail "runqslower: helper $key" "did not finish"
done
sleep 0.1
read -r delay runs < <(waited "${PID[H]}")
for key in "${!TPID[@]}"; do
	TOOL_PID=${TPID[$key]}
	stop_tool INT
	RC[$key]=$?
done
stopped() {
	[ "${RC[$1]}" = 0 ] ||
		{ fail "runqslower $2" "exit status ${RC[$1]}: $(tail -n 2 "$TMP/$1.err")"; return 1; }
}

# Every wait of H: as many as schedstat counts, adding up to its run-queue time.
check_sum() {
	local f=$1 what=$2 n sum want=$(((delay - delay0) / 1000)) runs_d=$((runs - runs0))
	n=$(jq -s --argjson t "${PID[H]}" '[.[] | select(.tid == $t)] | length' "$f")
	sum=$(jq -s --argjson t "${PID[H]}" '[.[] | select(.tid == $t) | .lat_us] | add // 0' "$f")
	bad=$(jq -c --argjson t "${PID[H]}" --arg c "$nH" \
		'select(.tid == $t and (.pid != $t or .comm != $c or .prev_tid == $t))' "$f" | head -3)
	if [ "$n" -ge $((runs_d - 3)) ] && [ "$n" -le "$runs_d" ] && [ "$want" -gt 100000 ] &&
	   [ $((sum * 100)) -ge $((want * 97)) ] && [ $((sum * 100)) -le $((want * 101 + 100)) ] &&
	   [ -z "$bad" ]; then
		ok "runqslower $what: H's $n waits add up to its schedstat run delay ($sum of $want us)"
	else
		fail "runqslower $what" "$n waits (schedstat: $runs_d), $sum us (schedstat: $want); $bad"
	fi
}
stopped all "--json -p LIST 0" && check_sum "$TMP/all" "--json -p LIST 0"
if stopped raw "-p PID 0 on raw_tp"; then
	check_path "runqslower: BPFSCOPE_AVOID=tp_btf takes raw_tp for every hook" "$TMP/raw.err" \
		kinds=raw_tp sched_switch=raw_tp sched_wakeup=raw_tp sched_wakeup_new=raw_tp
	check_sum "$TMP/raw" "-p PID 0 on raw_tp"
fi

# MIN_US 2000: exactly the waits of 2 ms and more.  (Two instances read the clock
# a few microseconds apart: a wait within 50 us of the threshold may go either way.)
if stopped thr "--json -p LIST 2000" && [ "${RC[all]}" = 0 ]; then
	lo=$(jq -s '[.[] | select(.lat_us >= 2050)] | length' "$TMP/all")
	hi=$(jq -s '[.[] | select(.lat_us >= 1950)] | length' "$TMP/all")
	short=$(jq -s '[.[] | select(.lat_us < 1950)] | length' "$TMP/all")
	n=$(wc -l <"$TMP/thr")
	below=$(jq -c 'select(.lat_us < 2000)' "$TMP/thr" | head -3)
	if [ "$n" -ge "$lo" ] && [ "$n" -le "$hi" ] && [ "$lo" -gt 0 ] && [ "$short" -gt 0 ] &&
	   [ -z "$below" ]; then
		ok "runqslower 2000: the $n waits of 2 ms and more, none of the $short shorter"
	else
		fail "runqslower 2000" "$n events, want $lo..$hi; below 2 ms: $below"
	fi
fi

# -P: the previous task's columns; each line is H, after some other task.
if stopped prev "-P -p PID 1000"; then
	head2=$(sed -n 2p "$TMP/prev")
	lines=$(awk 'NR > 2' "$TMP/prev" | wc -l)
	bad=$(awk -v c="$nH" -v t="${PID[H]}" 'NR > 2 && ($2 != c || $3 != t || $4 < 1000 || $6 == t ||
		$1 !~ /^..:..:..$/ || NF != 6)' "$TMP/prev" | head -3)
	after=$(awk -v a="$nT" -v b="$nC" 'NR > 2 && ($5 == a || $5 == b) { print $6 }' "$TMP/prev" |
		sort -u | grep -cxF -f <(echo "$tids"; echo "${PID[C]}"))
	if [ "$head2" = "TIME     COMM             TID           LAT(us) PREV COMM        PREV TID" ] &&
	   [ "$lines" -gt 5 ] && [ -z "$bad" ] && [ "$after" -ge 1 ]; then
		ok "runqslower -P -p PID 1000: $lines waits of H, each after another of our tasks"
	else
		fail "runqslower -P" "header [$head2], $lines lines, bad [$bad], after ours: $after"
	fi
fi

# -t: one thread of T, all its waits, and no other thread's.
if stopped tid "-t TID 0"; then
	n=$(awk -v t="$t2" -v c="$nT" 'NR > 2 && $3 == t && $2 == c' "$TMP/tid" | wc -l)
	others=$(awk -v t="$t2" 'NR > 2 && $3 != t' "$TMP/tid" | wc -l)
	want=$(jq -s --argjson t "$t2" '[.[] | select(.tid == $t and .pid != $t)] | length' "$TMP/all")
	if [ "$(sed -n 2p "$TMP/tid")" = "TIME     COMM             TID           LAT(us)" ] &&
	   [ "$n" -gt 5 ] && [ "$others" = 0 ] && [ "$n" -ge $((want - 2)) ] && [ "$n" -le $((want + 2)) ]; then
		ok "runqslower -t TID 0: the $n waits of that thread of T only"
	else
		fail "runqslower -t TID 0" "$n lines of $t2 (--json -p saw $want), $others of others"
	fi
fi

# -c: only the cycler, moved to that cgroup: each of its 300 wake-ups.
if [ -z "$cg" ]; then
	skip "runqslower: -c CGROUP" "no cgroup v2 directory can be made"
elif stopped cg "-c CGROUP 0"; then
	n=$(jq -s --argjson p "${PID[C]}" '[.[] | select(.pid == $p)] | length' "$TMP/cg")
	others=$(jq -s --argjson p "${PID[C]}" '[.[] | select(.pid != $p)] | length' "$TMP/cg")
	if [ "$n" -ge 300 ] && [ "$others" = 0 ]; then
		ok "runqslower -c CGROUP 0: the cycler's $n waits, nothing else"
	else
		fail "runqslower -c CGROUP 0" "cycler: $n (want >= 300), others: $others"
	fi
fi

# Without any usable hook: one line naming what each alternative lacks.
BPFSCOPE_AVOID=tp_btf,raw_tp "$BIN/runqslower" >"$TMP/o" 2>"$TMP/e"
rc=$?
if [ $rc = 1 ] && [ "$(wc -l <"$TMP/e")" = 1 ] && grep -q '^runqslower: cannot trace sched_' "$TMP/e" &&
   grep -q raw_tp "$TMP/e"; then
	ok "runqslower: no usable hook is a one-line error"
else
	fail "runqslower: no usable hook is a one-line error" "rc=$rc: $(cat "$TMP/e")"
fi

bad_input() {
	local what=$1 rc
	shift
	"$BIN/runqslower" "$@" >"$TMP/o" 2>"$TMP/e"
	rc=$?
	if [ $rc = 2 ] && [ "$(wc -l <"$TMP/e")" = 1 ] && grep -q "^runqslower: .*$what" "$TMP/e"; then
		ok "runqslower: $* is a one-line error"
	else
		fail "runqslower: $* is a one-line error" "rc=$rc: $(cat "$TMP/e")"
	fi
}
bad_input "invalid value '1ms' for min_us" 1ms
bad_input "invalid value '-5' for min_us" -- -5
bad_input "unexpected argument '2'" 1 2
bad_input "no such process" -p 999999999
for key in H T C; do eval "exec ${FD[$key]}>&-"; done

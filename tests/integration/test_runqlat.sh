#!/bin/bash
# runqlat: busy loops pinned to one CPU wait for each other on its run queue;
# runqlat must see those waits, in the msec range, for the right pids only.
# serial: its busy loops fill CPU 0 for the whole file (other tests would wait)
. "$(dirname "$0")/../lib.sh"
need taskset cc jq

[ -x "$BIN/runqlat" ] || skip_all "bin/runqlat is not built"
cc -O1 -pthread -o "$TMP/spin" "$TOP/tests/integration/helpers/runqlat_spin.c" ||
	bail_out "runqlat: build helper" "cc failed"

name=rql$$_$RANDOM	# comm of our busy loops: unique to this run, < 16 chars
pids=()
for i in 1 2 3 4; do
	taskset -c 0 "$TMP/spin" "$name" &
	pids+=($!)
done
taskset -c 0 "$TMP/spin" "$name" 2 &
tpid=$!
on_exit "kill ${pids[*]} $tpid"
pid1=${pids[0]}
sleep 0.3

# hist_rows FILE [LABEL ID]: "low count" per histogram row (of section "LABEL = ID" only).
hist_rows() {
	awk -v want="${2:+$2 = $3 }" '
		/^(pid|tid|pidns) = / { insec = want != "" && index($0, want) == 1; next }
		/ -> / && (want == "" || insec) { print $1, $5 }' "$1"
}
total() { hist_rows "$@" | awk '{ n += $2 } END { print n + 0 }'; }
# Waits counted at LOW units and above.
total_from() {
	local low=$1
	shift
	hist_rows "$@" | awk -v low="$low" '$1 >= low { n += $2 } END { print n + 0 }'
}
sections() { grep -E '^(pid|tid|pidns) = ' "$1"; }

# run_for SECS OUT ARGS...: run runqlat until SIGINT after SECS; false if it fails.
run_for() {
	local secs=$1 out=$2
	shift 2
	start_tool "$out" runqlat "$@" || return 1
	sleep "$secs"
	stop_tool INT
}

# Checks one -P -p PID1 run (text output in $1) under the name $2.
check_pid_run() {
	local out=$1 what=$2 n ms others
	n=$(total "$out" pid "$pid1")
	ms=$(total_from 1024 "$out" pid "$pid1")
	others=$(sections "$out" | grep -cv "^pid = $pid1 $name\$")
	if [ "$n" -ge 20 ] && [ "$ms" -gt 0 ] && [ "$others" = 0 ] &&
	   grep -q ' usecs ' "$out"; then
		ok "runqlat: $what"
	else
		fail "runqlat: $what" \
			"waits=$n (>=1024us: $ms), other sections=$others: $(head -c 600 "$out")"
	fi
}

# -p with -P: our pid's waits, in the msec range, and no other section.
if run_for 2 "$TMP/p" -P -p "$pid1"; then
	check_pid_run "$TMP/p" "-P -p PID: waits of that process only, some >= 1 msec"
else
	fail "runqlat: -P -p PID" "exit status $?: $(cat "$TMP/p.err")"
fi

# The raw_tp fallback gives the same result.
if BPFSCOPE_AVOID=tp_btf run_for 2 "$TMP/raw" -v -P -p "$pid1"; then
	check_path "runqlat: BPFSCOPE_AVOID=tp_btf takes raw_tp for every hook" "$TMP/raw.err" \
		kinds=raw_tp sched_switch=raw_tp sched_wakeup=raw_tp sched_wakeup_new=raw_tp
	check_pid_run "$TMP/raw" "BPFSCOPE_AVOID=tp_btf: raw_tp fallback, same result"
else
	fail "runqlat: BPFSCOPE_AVOID=tp_btf" "exit status $?: $(tail -3 "$TMP/raw.err")"
fi

# Without any usable hook: one line naming what each alternative lacks.
BPFSCOPE_AVOID=tp_btf,raw_tp "$BIN/runqlat" >"$TMP/o" 2>"$TMP/e"
rc=$?
if [ $rc = 1 ] && [ "$(wc -l <"$TMP/e")" = 1 ] &&
   grep -q '^runqlat: cannot trace sched_' "$TMP/e" && grep -q 'raw_tp' "$TMP/e"; then
	ok "runqlat: no usable hook is a one-line error"
else
	fail "runqlat: no usable hook is a one-line error" "rc=$rc: $(cat "$TMP/e")"
fi

# -P: a section for each of our processes.
if run_for 2 "$TMP/all" -P; then
	missing=
	for p in "${pids[@]}" "$tpid"; do
		grep -qx "pid = $p $name" "$TMP/all" && [ "$(total "$TMP/all" pid "$p")" -gt 0 ] ||
			missing="$missing $p"
	done
	if [ -z "$missing" ]; then
		ok "runqlat: -P has a histogram for each busy process"
	else
		fail "runqlat: -P has a histogram for each busy process" "missing:$missing"
	fi
else
	fail "runqlat: -P" "exit status $?: $(cat "$TMP/all.err")"
fi

# -L -p: one section per thread of the two-threaded process, nothing else.
if run_for 2 "$TMP/tids" -L -p "$tpid"; then
	want=$(ls "/proc/$tpid/task" | sort -n | sed "s/.*/tid = & $name/")
	got=$(sections "$TMP/tids" | sort -t' ' -k3n)
	busy=1
	for t in $(ls "/proc/$tpid/task"); do
		[ "$(total "$TMP/tids" tid "$t")" -gt 0 ] || busy=0
	done
	if [ "$want" = "$got" ] && [ "$busy" = 1 ] && [ "$(wc -l <<<"$got")" = 2 ]; then
		ok "runqlat: -L -p PID: a histogram per thread of that process"
	else
		fail "runqlat: -L -p PID" "want [$want] got [$got]"
	fi
else
	fail "runqlat: -L -p PID" "exit status $?: $(cat "$TMP/tids.err")"
fi

# -m: millisecond unit; waits of several msecs land at 1 msec and above.
if run_for 2 "$TMP/ms" -m -p "$pid1"; then
	if grep -q ' msecs ' "$TMP/ms" && ! grep -q usecs "$TMP/ms" &&
	   [ "$(total_from 1 "$TMP/ms")" -gt 0 ]; then
		ok "runqlat: -m reports msecs"
	else
		fail "runqlat: -m reports msecs" "$(head -c 600 "$TMP/ms")"
	fi
else
	fail "runqlat: -m" "exit status $?: $(cat "$TMP/ms.err")"
fi

# interval and count, with -T: two timestamped histograms, then it exits by itself.
if timeout 20 "$BIN/runqlat" -T -p "$pid1" 1 2 >"$TMP/ic" 2>"$TMP/ic.err"; then
	stamps=$(grep -cE '^[0-9]{2}:[0-9]{2}:[0-9]{2} *$' "$TMP/ic")
	hists=$(grep -c ' usecs .*: count' "$TMP/ic")
	if [ "$stamps" = 2 ] && [ "$hists" = 2 ]; then
		ok "runqlat: -T 1 2 prints two timestamped intervals and exits"
	else
		fail "runqlat: -T 1 2" "stamps=$stamps hists=$hists: $(head -c 400 "$TMP/ic")"
	fi
else
	fail "runqlat: -T 1 2" "exit status $?: $(cat "$TMP/ic.err")"
fi

# --json: one valid object per interval; totals match buckets; only our pid.
if timeout 20 "$BIN/runqlat" --json -P -p "$pid1" 1 2 >"$TMP/j" 2>"$TMP/j.err"; then
	bad=$(jq -c --argjson pid "$pid1" --arg comm "$name" '
		select((.unit != "usecs") or (.time | test("^..:..:..$") | not) or
		       any(.hists[]; .pid != $pid or .comm != $comm or .hist.unit != "usecs" or
			   .hist.total != ([.hist.buckets[].count] | add)))' "$TMP/j" 2>&1)
	lines=$(wc -l <"$TMP/j")
	n=$(jq -s '[.[].hists[].hist.total] | add // 0' "$TMP/j" 2>/dev/null)
	ms=$(jq -s '[.[].hists[].hist.buckets[] | select(.low >= 1024) | .count] | add // 0' \
		"$TMP/j" 2>/dev/null)
	if [ "$lines" = 2 ] && [ -z "$bad" ] && [ "${n:-0}" -ge 20 ] && [ "${ms:-0}" -gt 0 ]; then
		ok "runqlat: --json -P -p: one object per interval, right totals"
	else
		fail "runqlat: --json -P -p" "lines=$lines total=$n ms=$ms bad=$bad"
	fi
else
	fail "runqlat: --json" "exit status $?: $(cat "$TMP/j.err")"
fi

# --json without -P: one object per line, its "hists" a single unlabelled histogram.
if timeout 20 "$BIN/runqlat" --json -m 1 1 >"$TMP/j1" 2>"$TMP/j1.err" &&
   jq -e '.unit == "msecs" and (.hists | length) == 1 and (.hists[0] | keys) == ["hist"] and
	  .hists[0].hist.unit == "msecs" and .hists[0].hist.total > 0 and
	  .hists[0].hist.total == ([.hists[0].hist.buckets[].count] | add)' "$TMP/j1" >/dev/null &&
   [ "$(wc -l <"$TMP/j1")" = 1 ]; then
	ok "runqlat: --json -m 1 1: one histogram object"
else
	fail "runqlat: --json -m 1 1" "$(head -c 400 "$TMP/j1") $(cat "$TMP/j1.err")"
fi

# -c: only tasks of that cgroup (v2), checked while they are current.
cg2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
pid2=${pids[1]}
if [ -z "$cg2" ]; then
	skip "runqlat: -c CGROUP" "no cgroup2 mount"
elif ! mkdir "$cg2/bpfscope_runqlat_$$"; then
	skip "runqlat: -c CGROUP" "cannot create a cgroup under $cg2"
else
	cg=$cg2/bpfscope_runqlat_$$
	on_exit "echo $pid2 >$cg2/cgroup.procs; rmdir $cg"
	echo "$pid2" >"$cg/cgroup.procs"
	if run_for 2 "$TMP/cg" -c "$cg" -P; then
		got=$(sections "$TMP/cg")
		if [ "$got" = "pid = $pid2 $name" ] &&
		   [ "$(total_from 1024 "$TMP/cg" pid "$pid2")" -gt 0 ]; then
			ok "runqlat: -c CGROUP -P: only the process in that cgroup"
		else
			fail "runqlat: -c CGROUP -P" "sections: [$got]"
		fi
	else
		fail "runqlat: -c CGROUP" "exit status $?: $(cat "$TMP/cg.err")"
	fi
	echo "$pid2" >"$cg2/cgroup.procs"
fi

# --pidnss: a busy loop in a new PID namespace gets that namespace's section.
nsname=rqn$$_$RANDOM
unshare --pid --fork taskset -c 0 "$TMP/spin" "$nsname" &
on_exit "kill -KILL $!"
nspid=
for ((i = 0; i < 40 && ! nspid; i++)); do
	nspid=$(pgrep -x "$nsname")
	[ -n "$nspid" ] || sleep 0.05
done
if [ -z "$nspid" ]; then
	skip "runqlat: --pidnss" "cannot start a process in a new PID namespace"
else
	on_exit "kill -KILL $nspid"	# init of its namespace: only SIGKILL ends it
	inum=$(stat -L -c %i "/proc/$nspid/ns/pid")
	if run_for 2 "$TMP/ns" --pidnss -p "$nspid"; then
		got=$(sections "$TMP/ns")
		if [ "$got" = "pidns = $inum $nsname" ] &&
		   [ "$inum" != "$(stat -L -c %i /proc/self/ns/pid)" ] &&
		   [ "$(total "$TMP/ns" pidns "$inum")" -gt 0 ]; then
			ok "runqlat: --pidnss: histogram keyed by PID namespace inode"
		else
			fail "runqlat: --pidnss" "want pidns = $inum $nsname, got [$got]"
		fi
	else
		fail "runqlat: --pidnss" "exit status $?: $(cat "$TMP/ns.err")"
	fi
fi

# Bad input: one line on stderr, exit status 2, before anything is loaded.
bad_input() {
	local what=$1 rc
	shift
	"$BIN/runqlat" "$@" >"$TMP/o" 2>"$TMP/e"
	rc=$?
	if [ $rc = 2 ] && [ "$(wc -l <"$TMP/e")" = 1 ] &&
	   grep -q "^runqlat: .*$what" "$TMP/e"; then
		ok "runqlat: $* is a one-line error"
	else
		fail "runqlat: $* is a one-line error" "rc=$rc: $(cat "$TMP/e")"
	fi
}
bad_input "no such process" -p 999999999
bad_input "cannot be combined" -P -L
bad_input "interval" 0
bad_input "count" 1 x
bad_input "not a cgroup v2 directory" -c /tmp

#!/bin/bash
# llcstat: without a hardware PMU (this VM) it says so in one line and exits 1.
# The rest runs with BPFSCOPE_PMU=software, which counts page faults as
# references and context switches as misses: two workloads with unique names
# fault in known numbers of pages and sleep a known number of times, pinned to
# CPUs 1 and 0; each must get its own row with those counts, per thread with
# -t, in multiples of the period with -c.
. "$(dirname "$0")/../lib.sh"
need taskset jq cc nproc

[ "$(nproc)" -ge 2 ] || skip_all "needs 2 CPUs"
cc -O1 -pthread -o "$TMP/work" "$TOP/tests/integration/helpers/llcstat_work.c" ||
	bail_out "llcstat: build helper" "cc failed"

# 1. This machine's PMU, or the one line saying there is none.
if [ -e /sys/bus/event_source/devices/cpu ]; then
	BPFSCOPE_READY_FILE=$TMP/r "$BIN/llcstat" 1 >"$TMP/hw" 2>"$TMP/hw.err"
	rc=$?
	if [ $rc = 0 ] && grep -q '^Total References: [1-9]' "$TMP/hw"; then
		ok "llcstat: the hardware PMU counts references"
	else
		fail "llcstat: the hardware PMU counts references" "status $rc: $(head -c 300 "$TMP/hw" "$TMP/hw.err")"
	fi
else
	"$BIN/llcstat" 1 >"$TMP/hw" 2>"$TMP/hw.err"
	rc=$?
	if [ $rc = 1 ] && [ ! -s "$TMP/hw" ] && [ "$(wc -l <"$TMP/hw.err")" = 1 ] &&
		grep -q '^llcstat: this machine has no hardware PMU (no cpu in /sys/bus/event_source/devices): cannot count cache-misses' "$TMP/hw.err"; then
		ok "llcstat: no hardware PMU here: one line naming it, status 1"
	else
		fail "llcstat: no hardware PMU here: one line naming it" "status $rc: $(cat "$TMP/hw" "$TMP/hw.err")"
	fi
fi
export BPFSCOPE_PMU=software

a=lla$$_$RANDOM
b=llb$$_$RANDOM
pa=$((2000 + RANDOM % 1000)) sa=$((30 + RANDOM % 20)) # A: pages, sleeps
pb=$((800 + RANDOM % 400)) sb=$((10 + RANDOM % 10))

# Three runs over the same 3 s: by PID (-c 1), by thread (-t -c 1), -c 10 as text.
start_tool "$TMP/pid" llcstat -v -c 1 --json 3 || bail_out "llcstat: start" "$(cat "$TMP/pid.err")"
p1=$TOOL_PID
TOOL_PID=
start_tool "$TMP/tid" llcstat -t -c 1 --json 3 || bail_out "llcstat -t: start" "$(cat "$TMP/tid.err")"
p2=$TOOL_PID
TOOL_PID=
start_tool "$TMP/c10" llcstat -c 10 -d 3 || bail_out "llcstat -c 10: start" "$(cat "$TMP/c10.err")"
p3=$TOOL_PID
TOOL_PID=
on_exit "kill $p1 $p2 $p3"
taskset -c 1 "$TMP/work" "$a" "$pa" "$sa" >"$TMP/wa" &
wa=$!
taskset -c 0 "$TMP/work" "$b" "$pb" "$sb" thread >"$TMP/wb" &
wb=$!
wait $wa $wb
wait $p1
r1=$?
wait $p2
r2=$?
wait $p3
r3=$?

# row FILE PID NAME FIELD [CPU]: FIELD of that process's rows under that name (on CPU),
# summed (before its exec, the process was the shell's child: other rows).
row() {
	jq -s --argjson p "$2" --arg n "$3" --arg f "$4" --argjson c "${5:-null}" \
		'[.[] | select(.pid == $p and .comm == $n and ($c == null or .cpu == $c)) | .[$f]] | add // 0' "$1"
}
within() { [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]; }

# all FILE PID FIELD: FIELD of every row of that process (from its fork on).
all() { jq -s --argjson p "$2" --arg f "$3" '[.[] | select(.pid == $p) | .[$f]] | add // 0' "$1"; }
# What the kernel counted for the process (getrusage, before its exit): faults, switches.
read -r _ fa _ sw_a <"$TMP/wa"
read -r _ fb _ sw_b <"$TMP/wb"

# A's rows under its name: on CPU 1 only, its pages and sleeps at least; all its rows
# (the shell's child and taskset before the exec too): what the kernel counted, give
# or take its exit, and 2 % fewer faults: on a loaded machine perf throttles the
# sampling of a software event (perf_event_max_sample_rate) and drops a few.
ra=$(row "$TMP/pid" $wa "$a" reference 1)
ma=$(row "$TMP/pid" $wa "$a" miss 1)
ta=$(all "$TMP/pid" $wa reference)
tm=$(all "$TMP/pid" $wa miss)
if [ $r1 = 0 ] && [ "$ra" -ge $pa ] && [ "$ma" -ge $sa ] &&
	[ "$(row "$TMP/pid" $wa "$a" reference 0)" = 0 ] && within "$ta" $((fa * 98 / 100)) $((fa + 10)) &&
	within "$tm" "$sw_a" $((sw_a + 5)); then
	ok "llcstat: process A on CPU 1: $ra references (>= $pa pages), $ma misses (>= $sa sleeps); all its rows $ta/$tm (rusage $fa/$sw_a)"
else
	fail "llcstat: process A's row" "status $r1, ref $ra (pages $pa), miss $ma (sleeps $sa), all rows $ta/$tm (rusage $fa faults, $sw_a switches): $(grep -F "$a" "$TMP/pid")"
fi
rb=$(row "$TMP/pid" $wb "$b" reference 0)
mb=$(row "$TMP/pid" $wb "$b" miss 0)
tb=$(all "$TMP/pid" $wb reference)
tbm=$(all "$TMP/pid" $wb miss)
if [ "$rb" -ge $pb ] && [ "$mb" -ge $sb ] && [ "$(row "$TMP/pid" $wb "$b" reference 1)" = 0 ] &&
	within "$tb" $((fb * 98 / 100)) $((fb + 10)) && within "$tbm" "$sw_b" $((sw_b + 5)); then
	ok "llcstat: process B on CPU 0, a row of its own: $rb references, $mb misses; all its rows $tb/$tbm (rusage $fb/$sw_b)"
else
	fail "llcstat: process B's row" "ref $rb (pages $pb), miss $mb (sleeps $sb), all rows $tb/$tbm (rusage $fb faults, $sw_b switches): $(grep -F "$b" "$TMP/pid")"
fi
hit=$(jq -r "select(.pid == $wa and .cpu == 1) | .hit_percent" "$TMP/pid")
want=$(awk -v r="$ra" -v m="$ma" 'BEGIN { printf "%.2f", 100 * (r - m) / r }')
if [ "$(awk -v h="$hit" 'BEGIN { printf "%.2f", h }')" = "$want" ] &&
	jq -e 'select(.total) | .total.reference > 0' "$TMP/pid" >/dev/null; then
	ok "llcstat --json: hit_percent is (references - misses) / references ($want), a total object"
else
	fail "llcstat --json: hit_percent" "$hit, want $want; $(tail -n 1 "$TMP/pid")"
fi
check_path "llcstat: BPFSCOPE_PMU=software stands page-faults and context-switches in" "$TMP/pid.err" \
	kinds=perf_event page-faults=perf_event context-switches=perf_event

# -t: B's work ran in its second thread: that thread's row has the faults, the main thread's not.
tb=$(jq -r "select(.pid == $wb and .tid != $wb) | .tid" "$TMP/tid" | sort -u) # the worker
rt=$(jq -s "[.[] | select(.pid == $wb and .tid != $wb) | .reference] | add // 0" "$TMP/tid")
rm=$(jq -s "[.[] | select(.pid == $wb and .tid == $wb) | .reference] | add // 0" "$TMP/tid")
if [ $r2 = 0 ] && [ "$(wc -w <<<"$tb")" = 1 ] && within "$rt" $pb $((pb + 100)) && [ "$rm" -lt $pb ] &&
	[ "$(jq -s "[.[] | select(.pid == $wa and .tid == $wa)] | length" "$TMP/tid")" -ge 1 ]; then
	ok "llcstat -t: B's worker thread $tb has its $rt references, the main thread $rm"
else
	fail "llcstat -t: per thread" "status $r2, threads '$tb', worker $rt, main $rm (pages $pb): $(grep -F "$b" "$TMP/tid")"
fi

# -c 10 (text): counts in tens; BCC's columns and total line.
line=$(awk -v p=$wa '$1 == p && $3 == 1' "$TMP/c10")
r10=$(awk '{ print $4 }' <<<"$line")
# (REFERENCE counted from the end: a command name may have spaces.)
sum=$(awk '$1 ~ /^[0-9]+$/ { n += $(NF - 2) } END { print n + 0 }' "$TMP/c10")
if [ $r3 = 0 ] && [ -n "$r10" ] && [ $((r10 % 10)) = 0 ] && within "$r10" $((pa * 8 / 10)) $((pa + 500)) &&
	grep -q "^$wa  *$a  *1  " "$TMP/c10" &&
	grep -qxE 'PID +NAME +CPU +REFERENCE +MISS +HIT%' "$TMP/c10" &&
	grep -qE "^Total References: $sum Total Misses: [0-9]+ Hit Rate: [0-9.]+%$" "$TMP/c10" &&
	grep -q '^Running for 3 seconds or Hit Ctrl-C to end.$' "$TMP/c10"; then
	ok "llcstat -c 10 -d 3: A's references in tens ($r10), columns and totals as BCC's"
else
	fail "llcstat -c 10 -d 3" "status $r3, A: '$line', sum $sum: $(head -c 400 "$TMP/c10")"
fi

# Stops and unwritable output, on the stand-in (test_common cannot run them here).
check_clean_stop "llcstat: SIGINT after attach leaves nothing" INT ready llcstat
check_clean_stop "llcstat: SIGTERM 0.05 s after start leaves nothing" TERM 0.05 llcstat
timeout -s INT 3 "$BIN/llcstat" 1 >/dev/full 2>"$TMP/full.err"
rc=$?
if [ $rc = 1 ] && grep -q '^llcstat: cannot write the output: No space left on device' "$TMP/full.err"; then
	ok "llcstat: output to a full device is an error"
else
	fail "llcstat: output to a full device is an error" "status $rc: $(cat "$TMP/full.err")"
fi
"$BIN/llcstat" -c 0 >/dev/null 2>"$TMP/e"
rc=$?
if [ $rc = 2 ] && grep -q "^llcstat: invalid value '0' for -c" "$TMP/e"; then
	ok "llcstat: -c 0 rejected"
else
	fail "llcstat: -c 0 rejected" "status $rc: $(cat "$TMP/e")"
fi

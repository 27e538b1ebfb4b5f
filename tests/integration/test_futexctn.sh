#!/bin/bash
# futexctn: a test program whose threads wait for each other's pthread
# mutexes (ROUNDS waits of HOLD_MS per lock, in a function of a unique name)
# shows each lock's address, the waiting thread, the exact number of waits,
# their time and the function in the user stack; -p, -t, -l, -s, -m, -T and
# --json change what is shown.  Stacks are named while the process runs.
. "$(dirname "$0")/../lib.sh"
need cc jq mkfifo

ROUNDS=$((RANDOM % 4 + 4))
HOLD=40
MARK=ctnmark_$$_$RANDOM
cc -O1 -fno-omit-frame-pointer -pthread -DMARKER="$MARK" -o "$TMP/ctn" \
	"$TOP/tests/helpers/futexctn_contend.c" || bail_out "helper builds"

# helper N: start a copy reading its stdin from a FIFO held open on fd 7+N;
# sets H<N> to "PID TID_MAIN TID_SECOND LOCK1 LOCK2".
helper() {
	local n=$1 fd=$((7 + $1)) i line
	mkfifo "$TMP/in$n"
	eval "exec $fd<>\"$TMP/in$n\""
	"$TMP/ctn" $ROUNDS $HOLD <"$TMP/in$n" >"$TMP/h$n.out" 8>&- 9>&- &
	eval "HP$n=$!"
	on_exit "kill -KILL $!"
	for ((i = 0; i < 100; i++)); do
		line=$(head -n 1 "$TMP/h$n.out")
		[ -n "$line" ] && break
		sleep 0.05
	done
	eval "H$n=\"$line\""
}
helper 1
helper 2
read -r P1 M1 S1 A1 B1 <<<"$H1"
read -r P2 M2 S2 A2 B2 <<<"$H2"
[ -n "$B1" ] && [ -n "$B2" ] || bail_out "helpers start" "$H1 / $H2"

# start NAME ARGS...: start futexctn, keeping its PID in T_NAME.
start() {
	local name=$1
	shift
	# Without the helpers' input FIFOs, which would keep them from their end of file.
	start_tool "$TMP/$name" futexctn "$@" 8>&- 9>&- || bail_out "futexctn $* starts" "$(cat "$TMP/$name.err")"
	eval "T_$name=$TOOL_PID"
}
start json -p "$P1" --json
start lock -p "$P1" -l "$A1" -m
start sum -t "$S2" -s --json
start tick -p "$P2" -T 1
TICK_T0=$EPOCHREALTIME
start gone -p "$P1" --json

echo go >&8
echo go >&9
wait_for "$TMP/h1.out" '^done' 10 && wait_for "$TMP/h2.out" '^done' 10 ||
	bail_out "workload runs" "$(cat "$TMP/h1.out" "$TMP/h2.out")"
sleep 1.2
for name in json lock sum tick; do
	[ $name = tick ] && TICK_T1=$EPOCHREALTIME
	eval "TOOL_PID=\$T_$name"
	stop_tool INT || fail "futexctn $name stops with status 0" "$(head -c 300 "$TMP/$name.err")"
done

# End of file on their stdin ends the helpers.
exec 8>&- 9>&-
for ((i = 0; i < 40; i++)); do
	kill -0 "$HP1" 2>/dev/null || kill -0 "$HP2" 2>/dev/null || break
	sleep 0.05
done
if kill -0 "$HP1" 2>/dev/null || kill -0 "$HP2" 2>/dev/null; then
	fail "the helpers end at the end of their input" "still running"
else
	ok "the helpers end at the end of their input"
fi
TOOL_PID=$T_gone
stop_tool INT || fail "futexctn gone stops with status 0" "$(head -c 300 "$TMP/gone.err")"

# jqt FILE FILTER: the entries of every interval of a JSON output, filtered.
jqt() { jq -r "$2" <(jq -c '.hists[]' "$1"); }
lock1=$(jqt "$TMP/json" "select(.lock == \"$A1\") | \"\(.pid) \(.tid) \(.contended)\"")
lock2=$(jqt "$TMP/json" "select(.lock == \"$B1\") | \"\(.pid) \(.tid) \(.contended)\"")
check "lock 1: the second thread waited exactly $ROUNDS times" test "$lock1" = "$P1 $S1 $ROUNDS"
check "lock 2: the main thread waited exactly $ROUNDS times" test "$lock2" = "$P1 $M1 $ROUNDS"
check "the user stack has the waiting function" test "$(jqt "$TMP/json" \
	"select(.lock == \"$A1\") | .user_stack | index(\"$MARK\") != null")" = true
check "the stack is named while the process runs (printed after it exited)" test "$(jqt "$TMP/gone" \
	"select(.lock == \"$A1\") | .user_stack | index(\"$MARK\") != null")" = true
waits=$(jqt "$TMP/json" "select(.lock == \"$A1\") | \"\(.min) \(.avg) \(.hist.total)\"")
if [ "$(jqt "$TMP/json" "select(.lock == \"$A1\") | .min >= $((HOLD * 900)) and .avg < $((HOLD * 5000))
	 and .hist.total == $ROUNDS")" = true ]; then
	ok "wait times are about HOLD_MS (usecs)"
else
	fail "wait times are about HOLD_MS (usecs)" "min avg count: $waits, want $((HOLD * 900)).. <$((HOLD * 5000)) $ROUNDS"
fi
check "-p: no other process" test -z "$(jqt "$TMP/json" "select(.pid != $P1) | .pid")"

label_min=$(sed -nE "s/^ctn\[$S1\] lock $A1 contended $ROUNDS times, [0-9]+ avg msecs \[max: [0-9]+ msecs, min ([0-9]+) msecs\]$/\1/p" "$TMP/lock")
if [ "${label_min:-0}" -ge $((HOLD - 1)) ] && [ "$label_min" -lt $((HOLD * 5)) ]; then
	ok "-l: the label line of that lock (-m: msecs, min about HOLD_MS)"
else
	fail "-l: the label line of that lock (-m: msecs, min about HOLD_MS)" "$(grep ' lock ' "$TMP/lock")"
fi
check "-l: the stack between '-' lines has the waiting function" grep -qE "^    $MARK\$" "$TMP/lock"
check "-m: msecs histogram" grep -qE '^ +msecs +: count +distribution' "$TMP/lock"
if grep -q "lock $B1" "$TMP/lock"; then fail "-l: no other lock" "$(grep "lock $B1" "$TMP/lock")"
else ok "-l: no other lock"; fi

sum=$(jqt "$TMP/sum" '"\(.pid) \(.lock) \(.contended) \(has("user_stack")) \(has("tid"))"')
check "-t -s: that thread's waits, per process, no stacks" test "$sum" = "$P2 $A2 $ROUNDS false false"

# -T 1: each interval is a blank line, its time and its rows; the last is the
# one cut short by SIGINT.  The intervals count from when the tool attached,
# not from the workload: process 2's waits may fall in two of them.
read -r stamps early rows waits < <(awk -v who="ctn[$M2]" -v lock="$B2" '
	/^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]$/ { stamps += prev == ""; seen = 1 }
	/ lock .* contended / { early += !seen }
	$1 == who && $2 == "lock" && $3 == lock && $4 == "contended" && $6 ~ /^times,/ { rows++; waits += $5 }
	{ prev = $0 }
	END { print stamps + 0, early + 0, rows + 0, waits + 0 }' "$TMP/tick")
secs=$(awk -v a="$TICK_T0" -v b="$TICK_T1" 'BEGIN { printf "%d", b - a }')
# At least one full interval (the run lasts over 1.5 s) and the last one; at
# most one per second it ran and the last one.
if [ "$early" = 0 ] && [ "$stamps" -ge 2 ] && [ "$stamps" -le $((secs + 2)) ]; then
	ok "-T INTERVAL: a time line per interval ($stamps in ${secs}+ s)"
else
	fail "-T INTERVAL: a time line per interval" "$stamps blank-line-and-time lines in ${secs}+ s (want 2..$((secs + 2))), $early rows before the first: $(head -c 300 "$TMP/tick")"
fi
if [ "$rows" -ge 1 ] && [ "$waits" = "$ROUNDS" ]; then
	ok "-T INTERVAL: process 2's lock 2 waits, $ROUNDS over $rows interval(s)"
else
	fail "-T INTERVAL: process 2's lock 2 waits" "$waits waits in $rows rows of ctn[$M2] lock $B2, want $ROUNDS: $(grep ' lock ' "$TMP/tick")"
fi
if grep -qE "\[($P1|$S1)\]" "$TMP/tick"; then fail "-p: the other process is not shown" "$(grep -E "\[($P1|$S1)\]" "$TMP/tick")"
else ok "-p: the other process is not shown"; fi

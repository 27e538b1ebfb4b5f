#!/bin/bash
# biopattern: on a loop device of our own, a sequential run and a random run of
# known counts give exact percentages, counts and KiB in the disk's row; -d
# leaves out another disk; JSON; raw and classic tracepoints.
. "$(dirname "$0")/../lib.sh"
need losetup truncate dd jq

NSEQ=40 # 4 KiB direct writes, each where the previous ended
NRND=10 # 4 KiB direct writes, each away from the previous
NB=6    # sequential 4 KiB writes to disk B (after its own first one)

make_loop() {
	local img=$TMP/$1.img
	LOOP=
	truncate -s 64M "$img" || return 1
	LOOP=$(losetup -f --show --direct-io=on "$img") || return 1
	on_exit "losetup -d $LOOP"
}
if ! make_loop a || ! LOOP_A=$LOOP || ! make_loop b || ! LOOP_B=$LOOP; then
	skip_all "cannot create loop devices"
fi
NAME_A=$(basename "$LOOP_A")
NAME_B=$(basename "$LOOP_B")

# w DEV COUNT SEEK: COUNT direct 4 KiB writes from block SEEK; says why if it failed.
w() {
	dd if=/dev/zero of="$1" bs=4k count="$2" seek="$3" oflag=direct status=none 2>"$TMP/dd.err" ||
		echo "$2 writes to $1 at $3 failed: $(head -c 200 "$TMP/dd.err") "
}
# A disk's first request after the start has no previous one and is not counted:
# one at block 50, then the sequential run from block 51, then the random run,
# each write 7 blocks after the last (a gap: never where the previous ended).
workload() {
	local i
	w "$LOOP_A" 1 50
	w "$LOOP_A" $NSEQ 51
	for ((i = 0; i < NRND; i++)); do w "$LOOP_A" 1 $((3000 + 7 * i)); done
	w "$LOOP_B" $((NB + 1)) 0
}
ALL=$((NSEQ + NRND))
RND_PCT=$((NRND * 100 / ALL)) SEQ_PCT=$((NSEQ * 100 / ALL))

run() {
	local name=$1 err rc
	shift
	if ! start_tool "$TMP/$name" biopattern "$@"; then
		fail "$name" "did not start: $(head -c 300 "$TMP/$name.err")"
		return 1
	fi
	err=$(workload)
	stop_tool INT
	rc=$?
	if [ -n "$err" ] || [ $rc != 0 ]; then
		fail "$name" "exit status $rc; ${err:-the workload ran}"
		return 1
	fi
}

# row FILE DISK: DISK's row without the time: "%RND %SEQ COUNT KBYTES".
row() { awk -v d="$2" '$1 == d { $1 = ""; print substr($0, 2) }' "$1"; }

check_rows() {
	local name=$1 out=$2 a b
	a=$(row "$out" "$NAME_A")
	b=$(row "$out" "$NAME_B")
	if [ "$a" = "$RND_PCT $SEQ_PCT $ALL $((ALL * 4))" ]; then ok "$name: $NAME_A"
	else fail "$name: $NAME_A" "row '$a', want '$RND_PCT $SEQ_PCT $ALL $((ALL * 4))': $(head -c 300 "$out")"; fi
	if [ "$3" = with-b ] && [ "$b" != "0 100 $NB $((NB * 4))" ]; then
		fail "$name: $NAME_B" "row '$b', want '0 100 $NB $((NB * 4))'"
	elif [ "$3" != with-b ] && [ -n "$b" ]; then
		fail "$name: -d leaves out $NAME_B" "row '$b'"
	else
		ok "$name: $NAME_B"
	fi
}

name="default: header and a row per disk"
if run "$name"; then
	check_rows "$name" "$TMP/$name" with-b
	check "$name: header" grep -qxE 'DISK +%RND +%SEQ +COUNT +KBYTES' "$TMP/$name"
fi

for avoid in "" tp_btf tp_btf,raw_tp; do
	case $avoid in
	"") kind=tp_btf ;;
	tp_btf) kind=raw_tp ;;
	*) kind=tracepoint ;;
	esac
	name="-d A via $kind"
	if BPFSCOPE_AVOID=$avoid run "$name" -v -d "$NAME_A"; then
		check_path "$name: path" "$TMP/$name.err" block_rq_complete=$kind
		check_rows "$name" "$TMP/$name"
	fi
done

name="-T: a time column"
if run "$name" -T -d "$NAME_A"; then
	if grep -qxE 'TIME +DISK +%RND +%SEQ +COUNT +KBYTES' "$TMP/$name" &&
		grep -qE "^[0-9]{2}:[0-9]{2}:[0-9]{2}  $NAME_A +$RND_PCT +$SEQ_PCT +$ALL +$((ALL * 4))\$" \
			"$TMP/$name"; then
		ok "$name"
	else
		fail "$name" "$(head -c 300 "$TMP/$name")"
	fi
fi

name="--json: the counts of each disk"
if run "$name" --json; then
	q='select(.disk == $d) | [.random, .sequential, .count, .kbytes, .random_pct, .sequential_pct, .bytes] | join(" ")'
	a=$(jq -r --arg d "$NAME_A" "$q" "$TMP/$name")
	b=$(jq -r --arg d "$NAME_B" "$q" "$TMP/$name")
	want_a="$NRND $NSEQ $ALL $((ALL * 4)) $RND_PCT $SEQ_PCT $((ALL * 4096))"
	want_b="0 $NB $NB $((NB * 4)) 0 100 $((NB * 4096))"
	if [ "$a" = "$want_a" ] && [ "$b" = "$want_b" ]; then ok "$name"
	else fail "$name" "$NAME_A '$a' (want '$want_a'), $NAME_B '$b' (want '$want_b')"; fi
fi

# Intervals: each line has the requests of its own interval only (the position
# is kept across intervals, so the first request of the second is counted).
# The sequential run goes before a first line is printed, the random one after
# it, each in one interval or more (on a loaded machine a run may cross an
# interval's end): at least two lines, which add up to the two runs (lines
# that each counted from the start would add up to more).
# added ROWS: "RANDOM SEQUENTIAL COUNT KBYTES" added up over rows "%RND %SEQ
# COUNT KBYTES" (the percentages are rounded down: with COUNT <= 100 there is
# one whole number of requests each can be); "bad" if a row does not add up.
added() {
	awk '{ r = int(($1 * $3 + 99) / 100); s = int(($2 * $3 + 99) / 100)
		if (r + s != $3) bad = 1
		rnd += r; seq += s; n += $3; kb += $4 }
		END { if (bad) print "bad"; else print rnd + 0, seq + 0, n + 0, kb + 0 }' <<<"$1"
}
name="1: each interval its own requests"
if start_tool "$TMP/iv" biopattern -d "$NAME_A" 1; then
	err=$(w "$LOOP_A" 1 50; w "$LOOP_A" 10 51)
	wait_for "$TMP/iv" "^$NAME_A " 5
	err+=$(for ((i = 0; i < 5; i++)); do w "$LOOP_A" 1 $((3000 + 7 * i)); done)
	for ((i = 0; i < 60; i++)); do
		[ "$(grep -c "^$NAME_A " "$TMP/iv")" -ge 2 ] && break
		sleep 0.05
	done
	stop_tool INT
	rows=$(row "$TMP/iv" "$NAME_A")
	sum=$(added "$rows")
	if [ -z "$err" ] && [ "$(grep -c . <<<"$rows")" -ge 2 ] && [ "$sum" = "5 10 15 60" ]; then
		ok "$name"
	else
		fail "$name" "rows '$(tr '\n' , <<<"$rows")' add up to '$sum' (want at least two rows adding up to 5 random, 10 sequential, 15 requests, 60 KiB: '5 10 15 60') $err"
	fi
else
	fail "$name" "did not start: $(head -c 300 "$TMP/iv.err")"
fi

# interval and count: the tool exits by itself after two intervals.
name="1 2 exits after two intervals"
timeout 10 "$BIN/biopattern" -d "$NAME_A" 1 2 >"$TMP/ic" 2>"$TMP/ic.err"
rc=$?
if [ $rc = 0 ] && grep -q '^DISK' "$TMP/ic"; then ok "$name"
else fail "$name" "rc=$rc: $(head -c 300 "$TMP/ic.err")"; fi

for args in "-d no_such_disk_$$" "-d ../sda" "0" "1 0"; do
	name="biopattern $args is a one-line error"
	"$BIN/biopattern" $args >"$TMP/bad" 2>"$TMP/bad.err"
	rc=$?
	if [ $rc = 2 ] && [ "$(wc -l <"$TMP/bad.err")" = 1 ] && grep -q '^biopattern: ' "$TMP/bad.err"; then
		ok "$name"
	else
		fail "$name" "rc=$rc: $(cat "$TMP/bad.err")"
	fi
done

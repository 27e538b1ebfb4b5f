#!/bin/bash
# bitesize: direct I/O of known sizes to a loop device of our own, by commands
# with unique names, lands in the right slots of the right histogram; -c and
# -d leave out another command's and another disk's I/O; JSON; raw tracepoints.
. "$(dirname "$0")/../lib.sh"
need losetup truncate dd jq

N4=37  # direct 4 KiB writes by C1 to disk A: slot "4 -> 7"
N64=11 # direct 64 KiB writes by C1 to disk A: slot "64 -> 127"
NC2=5  # direct 4 KiB writes by C2 to disk A: left out by -c C1
NB=7   # direct 4 KiB writes by C1 to disk B: left out by -d A

# make_loop NAME: a 64 MiB image attached as a loop device doing direct I/O; sets LOOP.
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

# Two copies of dd whose command names are unique to this run.
C1=bsz_a_$RANDOM
C2=bsz_b_$RANDOM
cp "$(command -v dd)" "$TMP/$C1" && cp "$(command -v dd)" "$TMP/$C2" || bail_out "copy dd" "cp failed"

# as COMM DEV BS COUNT SEEK: COUNT direct writes of BS by COMM; says why if it failed.
as() {
	"$TMP/$1" if=/dev/zero of="$2" bs="$3" count="$4" seek="$5" oflag=direct status=none \
		2>"$TMP/dd.err" || echo "$1: $4 x $3 to $2 failed: $(head -c 200 "$TMP/dd.err") "
}
workload() {
	as "$C1" "$LOOP_A" 4k $N4 0
	as "$C1" "$LOOP_A" 64k $N64 16
	as "$C2" "$LOOP_A" 4k $NC2 1000
	as "$C1" "$LOOP_B" 4k $NB 0
}

# run NAME ARGS...: bitesize ARGS while the workload runs; output in $TMP/NAME.
run() {
	local name=$1 err rc
	shift
	if ! start_tool "$TMP/$name" bitesize "$@"; then
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

# slot FILE COMM LOW: the count of the slot from LOW in COMM's histogram (text); none: -1.
slot() {
	awk -v c="$2" -v low="$3" '/^Process Name = / { insec = ($0 == "Process Name = " c) }
		insec && $1 == low && $2 == "->" { n = $5 } END { print n == "" ? -1 : n }' "$1"
}
# total FILE COMM: the sum of COMM's histogram.
total() {
	awk -v c="$2" '/^Process Name = / { insec = ($0 == "Process Name = " c) }
		insec && $2 == "->" { n += $5 } END { print n + 0 }' "$1"
}

# check_c1 NAME FILE: C1's histogram has exactly its writes to disk A.
check_c1() {
	local a4 a64 all
	a4=$(slot "$2" "$C1" 4) a64=$(slot "$2" "$C1" 64) all=$(total "$2" "$C1")
	if [ "$a4" = $N4 ] && [ "$a64" = $N64 ] && [ "$all" = $((N4 + N64)) ]; then
		ok "$1"
	else
		fail "$1" "$C1: 4 KiB slot $a4 (want $N4), 64 KiB slot $a64 (want $N64), all $all: $(head -c 600 "$2")"
	fi
}

name="-d A: each command's histogram has its own writes to A"
if run "$name" -d "$NAME_A"; then
	check_c1 "$name: $C1" "$TMP/$name"
	n=$(slot "$TMP/$name" "$C2" 4)
	if [ "$n" = $NC2 ] && [ "$(total "$TMP/$name" "$C2")" = $NC2 ]; then ok "$name: $C2"
	else fail "$name: $C2" "4 KiB slot $n (want $NC2): $(head -c 600 "$TMP/$name")"; fi
	check "$name: Kbytes header" grep -qE '^ +Kbytes +: count +distribution$' "$TMP/$name"
fi

name="-c C1 -d A: only C1's histogram"
if run "$name" -c "$C1" -d "$NAME_A"; then
	check_c1 "$name" "$TMP/$name"
	sections=$(grep -c '^Process Name = ' "$TMP/$name")
	if [ "$sections" = 1 ]; then ok "$name: one section"
	else fail "$name: one section" "$sections: $(grep '^Process Name' "$TMP/$name" | tr '\n' ' ')"; fi
fi

# Without -d, disk B's writes add to C1's 4 KiB slot.
name="without -d: C1's writes to both disks"
if run "$name" -c "$C1"; then
	n=$(slot "$TMP/$name" "$C1" 4)
	if [ "$n" = $((N4 + NB)) ]; then ok "$name"
	else fail "$name" "4 KiB slot $n (want $((N4 + NB)))"; fi
fi

# --json, on tp_btf and on raw tracepoints.
for avoid in "" tp_btf; do
	name="--json has the counts${avoid:+ (raw_tp)}"
	BPFSCOPE_AVOID=$avoid run "$name" --json -v --submitter -d "$NAME_A" || continue
	out=$TMP/$name
	if [ -n "$avoid" ]; then
		check_path "$name: raw_tp taken" "$out.err" kinds=raw_tp block_rq_issue=raw_tp \
			block_io_start=raw_tp
	else
		check_path "$name: tp_btf taken" "$out.err" kinds=tp_btf block_rq_issue=tp_btf \
			block_io_start=tp_btf
	fi
	q='.hists[] | select(.comm == $c) | .hist'
	got=$(jq -r --arg c "$C1" "$q | [.unit, .total,
		(.buckets[] | select(.low == 4 or .low == 64) | .count)] | join(\" \")" "$out")
	got2=$(jq -r --arg c "$C2" "$q | .total" "$out")
	if [ "$(wc -l <"$out")" = 1 ] && [ "$got" = "Kbytes $((N4 + N64)) $N4 $N64" ] &&
		[ "$got2" = $NC2 ]; then
		ok "$name"
	else
		fail "$name" "$C1: '$got' (want 'Kbytes $((N4 + N64)) $N4 $N64'), $C2: '$got2': $(head -c 300 "$out")"
	fi
done

# Without --submitter (the default, as upstream's), or with the submitter's hook
# made to look missing, the task issuing the request is counted (here the same
# dd: the loop device takes requests in the submitter's context).
for how in default missing; do
	name="the issuing task ($how)"
	if [ $how = default ]; then
		run "$name" -v -d "$NAME_A" || continue
	else
		BPFSCOPE_AVOID=block_io_start run "$name" -v --submitter -d "$NAME_A" || continue
	fi
	check_path "$name: block_io_start not hooked" "$TMP/$name.err" block_io_start=- \
		block_rq_issue=tp_btf
	check_c1 "$name" "$TMP/$name"
done

# interval and count: two summaries, each after the time of day, then the tool exits.
name="-T 1 2 prints two summaries and exits"
timeout 10 "$BIN/bitesize" -T -d "$NAME_A" 1 2 >"$TMP/ic" 2>"$TMP/ic.err"
rc=$?
n=$(grep -cE '^[0-9]{2}:[0-9]{2}:[0-9]{2}$' "$TMP/ic")
if [ $rc = 0 ] && [ "$n" = 2 ]; then ok "$name"
else fail "$name" "rc=$rc, $n timestamps: $(head -c 300 "$TMP/ic.err")"; fi

# Bad input: one line on stderr and exit status 2.
for args in "-d no_such_disk_$$" "-c abcdefghijklmnopq" "0" "1 0"; do
	name="bitesize $args is a one-line error"
	"$BIN/bitesize" $args >"$TMP/bad" 2>"$TMP/bad.err"
	rc=$?
	if [ $rc = 2 ] && [ "$(wc -l <"$TMP/bad.err")" = 1 ] && grep -q '^bitesize: ' "$TMP/bad.err"; then
		ok "$name"
	else
		fail "$name" "rc=$rc: $(cat "$TMP/bad.err")"
	fi
done

#!/bin/bash
# biotop: direct I/O of known sizes to a loop device of our own, by processes
# with unique names, is counted per process, disk and direction: the exact
# requests and Kbytes; -p keeps the named processes only, -s and -r pick the
# rows shown, the interval defaults to a second.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/integration/helpers/biosnoop_io.sh"
need losetup truncate dd jq stat

make_loop a || skip_all "cannot create a loop device"
LOOP_A=$LOOP
A=$(basename "$LOOP_A")
MAJ=$((0x$(stat -c %t "$LOOP_A")))
MIN=$((0x$(stat -c %T "$LOOP_A")))

W=btw$RANDOM R=btr$RANDOM
dd_as $W
dd_as $R
NW=$((RANDOM % 20 + 30)) # 4 KiB writes: the most requests
NR=$((RANDOM % 3 + 4))   # 256 KiB reads: the most bytes
# An interval longer than any run: one table, at the stop.  (With 10 s, a run
# slowed down by load crossed an interval: its rows came in two tables, and
# -r 1 picks the top process per table.)
LONG=120

# run NAME ARGS...: start the writer and the reader gated (their PIDs known,
# PW and PR, for -p), start biotop with ARGS (the pids as @PW and @PR), let
# them run, stop biotop; output in $TMP/NAME.
run() {
	local name=$1 go=$TMP/go.$RANDOM args=()
	shift
	IO_ERR=
	gated "$go" $W if=/dev/zero of="$LOOP_A" bs=4k count=$NW oflag=direct
	PW=$IO_PID
	gated "$go" $R if="$LOOP_A" of=/dev/null bs=256k count=$NR iflag=direct
	PR=$IO_PID
	for a in "$@"; do
		a=${a//@PW/$PW}
		args+=("${a//@PR/$PR}")
	done
	if ! start_tool "$TMP/$name" biotop "${args[@]}"; then
		touch "$go"
		wait
		fail "$name" "did not start: $(head -c 300 "$TMP/$name.err")"
		return 1
	fi
	touch "$go"
	wait_io $PW $W
	wait_io $PR $R
	sleep 0.3
	if ! stop_tool INT; then
		fail "$name" "exit status not 0: $(head -c 300 "$TMP/$name.err")"
		return 1
	fi
	[ -z "$IO_ERR" ] && return 0
	fail "$name" "the workload failed: $IO_ERR"
	return 1
}

# rows FILE PID: that process's rows over all intervals (JSON), summed per
# comm, direction and disk: "COMM D MAJ MIN DISK IO KBYTES BYTES".
rows() {
	jq -r --argjson p "$2" '.processes[] | select(.pid == $p) |
		[.comm, .rw, .major, .minor, .disk, .io, .kbytes, .bytes] | @tsv' "$1" |
		awk -F'\t' '{ k = $1 " " $2 " " $3 " " $4 " " $5; io[k] += $6; kb[k] += $7; b[k] += $8 }
		END { for (k in io) print k, io[k], kb[k], b[k] }'
}
want_w() { echo "$W W $MAJ $MIN $A $NW $((NW * 4)) $((NW * 4096))"; }
want_r() { echo "$R R $MAJ $MIN $A $NR $((NR * 256)) $((NR * 262144))"; }

# -p: the writer's requests and bytes, exact, and nothing of the reader.
name="-p: the writer's I/O and Kbytes on $A, exact (block_io_start)"
if run pid --json -v -p @PW $LONG; then
	check_path "block_io_start via tp_btf, block_rq_issue and complete via tp_btf" \
		"$TMP/pid.err" kinds=tp_btf block_io_start=tp_btf block_rq_issue=tp_btf \
		block_rq_complete=tp_btf block_rq_insert=-
	got=$(rows "$TMP/pid" $PW)
	if [ "$got" = "$(want_w)" ]; then ok "$name"
	else fail "$name" "got [$got], want [$(want_w)]"; fi
	check "-p leaves the other process out" test -z "$(rows "$TMP/pid" $PR)"
	n=$(jq -r '.processes | length' "$TMP/pid" | sort -u | tr '\n' ' ')
	check "one JSON object per interval, the one process in each" test "$n" = "1 "
fi

# The 6.1 path, forced, through raw tracepoints; text columns.
name="block_getrq via raw_tp: both processes' rows, exact"
if BPFSCOPE_AVOID=tp_btf,block_io_start run text -C -v -p @PW,@PR $LONG; then
	check_path "BPFSCOPE_AVOID=tp_btf,block_io_start takes block_getrq via raw_tp" \
		"$TMP/text.err" kinds=raw_tp block_getrq=raw_tp block_io_start=- \
		block_rq_issue=raw_tp block_rq_complete=raw_tp
	check "header: PID COMM D MAJ MIN DISK I/O Kbytes AVGms" \
		grep -qE '^PID +COMM +D MAJ MIN DISK +I/O +Kbytes +AVGms$' "$TMP/text"
	got=$(awk -v w=$PW -v r=$PR '$1 == w || $1 == r {
		print $1, $2, $3, $4, $5, $6, $7, $8, ($9 ~ /^[0-9]+\.[0-9][0-9]$/) }' "$TMP/text" |
		sort)
	want=$(printf '%s\n' "$PW $W W $MAJ $MIN $A $NW $((NW * 4)) 1" \
		"$PR $R R $MAJ $MIN $A $NR $((NR * 256)) 1" | sort)
	if [ "$got" = "$want" ]; then ok "$name"
	else fail "$name" "got [$(tr '\n' ';' <<<"$got")], want [$(tr '\n' ';' <<<"$want")]"; fi
fi

# -s io: the writer first; -s bytes: the reader; -r 1 prints that one only.
for s in io:W bytes:R; do
	sort=${s%:*}
	name="-r 1 -s $sort: only the process with the most $sort"
	run "sort$sort" --json -r 1 -s $sort -p @PW,@PR $LONG || continue
	if [ "${s#*:}" = W ]; then want="$PW $(want_w)"; else want="$PR $(want_r)"; fi
	got=$(jq -r '.processes[] | [.pid, .comm, .rw, .major, .minor, .disk, .io, .kbytes, .bytes] |
		map(tostring) | join(" ")' "$TMP/sort$sort")
	if [ "$got" = "$want" ]; then ok "$name"
	else fail "$name" "got [$(tr '\n' ';' <<<"$got")], want [$want]"; fi
done

# Without an interval, a table every second: the time between the first two
# (ts counts from the tool's start, loading included: the first one's own ts
# says how long loading took, not the interval).
name="the interval is a second by default"
if start_tool "$TMP/dflt" biotop --json; then
	for ((i = 0; i < 200; i++)); do
		[ "$(grep -c '"processes"' "$TMP/dflt")" -ge 2 ] && break
		sleep 0.05
	done
	stop_tool INT
	read -r t1 t2 < <(jq -r .ts "$TMP/dflt" | head -n 2 | tr '\n' ' ')
	if [ -z "$t2" ]; then
		fail "$name" "not two tables within 10 s (ts: ${t1:-none}): $(head -c 200 "$TMP/dflt.err")"
	elif awk -v a="$t1" -v b="$t2" 'BEGIN { exit !(b - a >= 0.9 && b - a < 2) }'; then
		ok "$name (tables at $t1 and $t2 s)"
	else
		fail "$name" "tables at $t1 and $t2 s: $(awk -v a="$t1" -v b="$t2" 'BEGIN { print b - a }') s apart"
	fi
else
	fail "$name" "did not start: $(head -c 300 "$TMP/dflt.err")"
fi

# INTERVAL COUNT: two tables, then it exits by itself.
name="1 2 prints two tables and exits"
timeout 15 "$BIN/biotop" -C 1 2 >"$TMP/ic" 2>"$TMP/ic.err"
rc=$?
n=$(grep -c ' loadavg: ' "$TMP/ic")
if [ $rc = 0 ] && [ "$n" = 2 ]; then ok "$name"
else fail "$name" "status $rc, $n tables: $(head -c 300 "$TMP/ic.err")"; fi

# Bad input: one line on stderr and exit status 2.
for args in "-s nosuch" "-r 0" "-p 0" "1 2 3"; do
	name="biotop $args is a one-line error"
	"$BIN/biotop" $args >"$TMP/bad" 2>"$TMP/bad.err"
	rc=$?
	if [ $rc = 2 ] && [ "$(wc -l <"$TMP/bad.err")" = 1 ] && grep -q '^biotop: ' "$TMP/bad.err"; then
		ok "$name"
	else
		fail "$name" "rc=$rc: $(cat "$TMP/bad.err")"
	fi
done

#!/bin/bash
# biostacks: direct I/O by processes with unique names to loop devices of our
# own is counted exactly, per submitter, under its kernel stack (read() or
# write()) and disk; -d, -m, --json and the duration change what is shown.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/integration/helpers/biosnoop_io.sh"
need losetup truncate dd jq

make_loop a || skip_all "cannot create loop devices"
LOOP_A=$LOOP
make_loop b || skip_all "cannot create loop devices"
LOOP_B=$LOOP
A=$(basename "$LOOP_A") B=$(basename "$LOOP_B")
R=bkr$RANDOM W=bkw$RANDOM
dd_as $R
dd_as $W
NR=$((RANDOM % 20 + 5)) NW=$((RANDOM % 20 + 5))

# start NAME ARGS...: start biostacks, keeping its PID in T_NAME.
start() {
	local name=$1
	shift
	start_tool "$TMP/$name" biostacks "$@" || bail_out "biostacks $* starts" "$(cat "$TMP/$name.err")"
	eval "T_$name=$TOOL_PID"
}
start json --json
start disk -d "$A" -m
start dur 3

io $R if="$LOOP_A" of=/dev/null bs=4k count=$NR skip=$((RANDOM % 1000)) iflag=direct
PR=$IO_PID
io $W if=/dev/zero of="$LOOP_B" bs=4k count=$NW seek=$((RANDOM % 1000)) oflag=direct
PW=$IO_PID
check "the workload ran" test -z "$IO_ERR"
sleep 0.3
for name in json disk; do
	eval "TOOL_PID=\$T_$name"
	stop_tool INT || fail "biostacks $name stops with status 0" "$(head -c 300 "$TMP/$name.err")"
done

# total COMM: "PID DISK COUNT" of that command's histograms, summed per PID and disk.
total() {
	jq -r --arg c "$1" '.hists[] | select(.comm == $c) | "\(.pid) \(.disk) \(.hist.total)"' \
		"$TMP/json" | awk '{ n[$1 " " $2] += $3 } END { for (k in n) print k, n[k] }'
}
check "the reader's $NR reads, its PID and disk" test "$(total $R)" = "$PR $A $NR"
check "the writer's $NW writes, its PID and disk" test "$(total $W)" = "$PW $B $NW"
check "the reader's stack has read()" test "$(jq -r --arg c $R \
	'.hists[] | select(.comm == $c) | .kernel_stack | index("ksys_read") != null' "$TMP/json")" = true
check "the writer's stack has write() and no read()" test "$(jq -r --arg c $W \
	'.hists[] | select(.comm == $c) | .kernel_stack | (index("ksys_write") != null) and
	 (index("ksys_read") == null)' "$TMP/json")" = true
check "stacks start at the block layer" test "$(jq -r --arg c $R \
	'.hists[] | select(.comm == $c) | .kernel_stack[-1]' "$TMP/json")" = blk_mq_submit_bio

check "-d: the reader on that disk, its stack below" \
	grep -qzE "$R +$PR +$A *
    blk_mq_submit_bio
" "$TMP/disk"
check "-m: msecs histograms" grep -qE '^ +msecs +: count +distribution' "$TMP/disk"
if grep -q "$W" "$TMP/disk"; then fail "-d: not the other disk" "$(grep "$W" "$TMP/disk")"
else ok "-d: not the other disk"; fi

TOOL_PID=$T_dur
for ((i = 0; i < 80; i++)); do
	kill -0 "$TOOL_PID" 2>/dev/null || break
	sleep 0.05
done
if kill -0 "$TOOL_PID" 2>/dev/null; then
	fail "DURATION: stops by itself" "still running"
	kill_tool
else
	wait "$TOOL_PID"
	check "DURATION: stops by itself with status 0" test $? = 0
	check "DURATION: the histograms are printed" grep -q "^$R " "$TMP/dur"
fi

#!/bin/bash
# tcppktlat: two loopback connections, IPv4 and IPv6, each read by a marked
# thread that sleeps before its first read (a slow read: the data waited that
# long) and then waits in recv() (a fast read: the data is sent once the
# reader is there).  Every filter and every forced path is one instance of the
# tool, all watching the same reads.
. "$(dirname "$0")/../lib.sh"
need jq

T=tcppktlat
PY=/usr/bin/python3
HELPER=$TOP/tests/integration/helpers/tcppktlat_pair.py
GO=$TMP/go
COMM_A=pla$RANDOM$RANDOM COMM_B=plb$RANDOM$RANDOM
COMM_A=${COMM_A:0:15} COMM_B=${COMM_B:0:15}
# A slow read takes its sleep and up to SLACK_MS more (a reader woken late on a
# loaded machine), a fast read under FAST_MS.  The three apart: FAST_MS <
# SLEEP_B, SLEEP_B + SLACK_MS < MIN_MS < SLEEP_A.
SLACK_MS=450 FAST_MS=150 MIN_MS=800
SLEEP_A=$((1000 + RANDOM % 50)) SLEEP_B=$((250 + RANDOM % 50))

"$PY" "$HELPER" "$TMP/a" "$COMM_A" "$GO" 4 $SLEEP_A &
on_exit kill -KILL $!
"$PY" "$HELPER" "$TMP/b" "$COMM_B" "$GO" 6 $SLEEP_B &
on_exit kill -KILL $!
wait_for_file() { local i; for ((i = 0; i < 200; i++)); do [ -s "$1" ] && return 0; sleep 0.05; done; return 1; }
wait_for_file "$TMP/a.pid" && wait_for_file "$TMP/b.pid" || bail_out "workloads start" "no pid files"
read -r PID_A TID_A LPORT_A RPORT_A <"$TMP/a.pid"
read -r PID_B TID_B LPORT_B RPORT_B <"$TMP/b.pid"

NAMES=()
PIDS=()
start_instance() {
	local name=$1 avoid=$2
	shift 2
	if BPFSCOPE_AVOID=$avoid start_tool "$TMP/$name" "$T" "$@"; then
		NAMES+=("$name")
		PIDS+=("$TOOL_PID")
		on_exit kill -KILL "$TOOL_PID"
	else
		fail "$name: starts" "$(head -c 300 "$TMP/$name.err")"
	fi
	TOOL_PID=
}
start_instance text "" -v
start_instance json "" --json
start_instance pid "" -p "$PID_A"
start_instance tid "" -t "$TID_B"
start_instance lport "" -l "$LPORT_A"
start_instance rport "" -r "$RPORT_B"
start_instance ipv4 "" -4
start_instance ipv6 "" -6
start_instance min "" $((MIN_MS * 1000))
start_instance wide "" -T -w
start_instance perfbuf ringbuf -v
start_instance raw tp_btf -v

touch "$GO"
wait_for_file "$TMP/a" && wait_for_file "$TMP/b" || fail "workloads read" "not done"
sleep 0.3 # the last reads reach every instance
for i in "${!NAMES[@]}"; do
	TOOL_PID=${PIDS[$i]}
	stop_tool INT
	rc=$?
	[ "$rc" = 0 ] || fail "${NAMES[$i]}: exits 0 on SIGINT" "exit status $rc"
done

# rows FILE WHO: the MS of each row of reader WHO (A or B), exact ids and tuple checked.
rows() {
	local re
	if [ "$2" = A ]; then
		re="^$PID_A +$TID_A +$COMM_A +127\.0\.0\.1 +$LPORT_A +127\.0\.0\.1 +$RPORT_A +([0-9.]+)$"
	else
		re="^$PID_B +$TID_B +$COMM_B +::1 +$LPORT_B +::1 +$RPORT_B +([0-9.]+)$"
	fi
	sed -nE "s/^[0-9:]{8} +//; s/$re/\1/p" "$1"
}
count() { if [ "$2" = A ]; then grep -c " $COMM_A " "$1"; else grep -c " $COMM_B " "$1"; fi; }

# expect NAME FILE WHO SLOW_MS|none FAST(0/1): the rows of WHO, nothing else of it.
expect() {
	local name=$1 file=$2 who=$3 slow=$4 fast=$5 ms n ok=1
	ms=$(rows "$file" "$who" | tr '\n' ' ')
	n=$(count "$file" "$who")
	set -- $ms
	if [ "$slow" = none ]; then
		[ "$n" = 0 ] || ok=
	else
		[ $# = $((1 + fast)) ] && [ "$n" = $# ] || ok=
		# The slow read: the sleep, and at most SLACK_MS more on a loaded machine.
		[ -n "$ok" ] && awk -v m="$1" -v s="$slow" -v x=$SLACK_MS \
			'BEGIN { exit !(m >= s - 1 && m < s + x) }' || ok=
		# The fast read: under FAST_MS.
		[ -n "$ok" ] && [ "$fast" = 1 ] &&
			{ awk -v m="$2" -v f=$FAST_MS 'BEGIN { exit !(m < f) }' || ok=; }
	fi
	if [ -n "$ok" ]; then ok "$name"
	else fail "$name" "MS: [$ms] of $n rows; want ${slow} (+ < $SLACK_MS) then $fast fast (< $FAST_MS): $(grep -E " ($COMM_A|$COMM_B) " "$file" | head -3)"; fi
}

check "header: PID TID COMM LADDR LPORT RADDR RPORT MS" \
	grep -qxE 'PID +TID +COMM +LADDR +LPORT +RADDR +RPORT +MS' "$TMP/text"
expect "IPv4 reader: exact ids and tuple, the slow read waited its ${SLEEP_A} ms, then a fast read" \
	"$TMP/text" A $SLEEP_A 1
expect "IPv6 reader: exact ids and tuple, the slow read waited its ${SLEEP_B} ms, then a fast read" \
	"$TMP/text" B $SLEEP_B 1
check_path "best path: tp_btf, ring buffer" "$TMP/text.err" kinds=tp_btf tcp_probe=tp_btf \
	tcp_rcv_space_adjust=tp_btf tcp_destroy_sock=tp_btf buffer=ringbuf

expect "-p PID: that process's reads" "$TMP/pid" A $SLEEP_A 1
expect "-p PID: not the other's" "$TMP/pid" B none 0
expect "-t TID: that thread's reads" "$TMP/tid" B $SLEEP_B 1
expect "-t TID: not the other's" "$TMP/tid" A none 0
expect "-l LPORT: that socket's reads" "$TMP/lport" A $SLEEP_A 1
expect "-l LPORT: not the other's" "$TMP/lport" B none 0
expect "-r RPORT: that socket's reads" "$TMP/rport" B $SLEEP_B 1
expect "-r RPORT: not the other's" "$TMP/rport" A none 0
expect "-4: the IPv4 reads" "$TMP/ipv4" A $SLEEP_A 1
expect "-4: not the IPv6 ones" "$TMP/ipv4" B none 0
expect "-6: the IPv6 reads" "$TMP/ipv6" B $SLEEP_B 1
expect "-6: not the IPv4 ones" "$TMP/ipv6" A none 0
expect "MIN_US $((MIN_MS * 1000)): the ${SLEEP_A} ms read, not the fast one" "$TMP/min" A $SLEEP_A 0
expect "MIN_US $((MIN_MS * 1000)): not the ${SLEEP_B} ms read" "$TMP/min" B none 0

check "-T -w: TIME(s) column, addresses 26 wide" \
	grep -qE '^TIME\(s\) +PID +TID +COMM +LADDR {22}LPORT RADDR {22}RPORT MS$' "$TMP/wide"
expect "-T -w: the IPv4 reads with a time" "$TMP/wide" A $SLEEP_A 1

got=$(jq -s --arg c "$COMM_A" --argjson pid "$PID_A" --argjson tid "$TID_A" \
	--argjson lp "$LPORT_A" --argjson rp "$RPORT_A" --argjson s "$SLEEP_A" --argjson x $SLACK_MS \
	'[.[] | select(.comm == $c)] | length == 2 and (.[0] | .pid == $pid and .tid == $tid and
	 .ip == 4 and .laddr == "127.0.0.1" and .lport == $lp and .raddr == "127.0.0.1" and
	 .rport == $rp and .latency_ns >= ($s - 1) * 1000000 and .latency_ns < ($s + $x) * 1000000
	 and (.ms - .latency_ns / 1000000 | fabs) < 0.01)' "$TMP/json" 2>&1)
if [ "$got" = true ]; then ok "--json: the IPv4 reads, ids, tuple, latency_ns and ms"
else fail "--json: the IPv4 reads" "$got: $(grep -F "$COMM_A" "$TMP/json" | head -2)"; fi

expect "BPFSCOPE_AVOID=ringbuf: the same reads" "$TMP/perfbuf" A $SLEEP_A 1
check_path "BPFSCOPE_AVOID=ringbuf: perf buffer" "$TMP/perfbuf.err" buffer=perfbuf \
	tcp_probe=tp_btf
expect "BPFSCOPE_AVOID=tp_btf: the same reads" "$TMP/raw" B $SLEEP_B 1
check_path "BPFSCOPE_AVOID=tp_btf: raw_tp" "$TMP/raw.err" kinds=raw_tp tcp_probe=raw_tp \
	tcp_rcv_space_adjust=raw_tp tcp_destroy_sock=raw_tp

# Bad input.
for args in "-l 0" "-r 65536" "1 2" "-5"; do
	"$BIN/$T" $args >"$TMP/o" 2>"$TMP/e"
	rc=$?
	if [ $rc = 2 ] && [ "$(wc -l <"$TMP/e")" = 1 ] && grep -q "^$T: " "$TMP/e"; then
		ok "$args: one-line usage error"
	else
		fail "$args: one-line usage error" "rc=$rc $(cat "$TMP/e")"
	fi
done

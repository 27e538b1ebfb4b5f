#!/bin/bash
# solisten: listen() calls of two marked processes, one in the host's network
# namespace and one in a namespace of its own, each on IPv4 and IPv6 sockets
# (bound), an unbound socket (the port comes from listen()) with a backlog over
# somaxconn, and a UDP socket (fails).  Every option and every forced path is
# one instance of the tool, all watching the same calls.
. "$(dirname "$0")/../lib.sh"
need jq unshare ip

T=solisten
PY=/usr/bin/python3
HELPER=$TOP/tests/integration/helpers/solisten_listen.py
GO=$TMP/go
id=$((RANDOM % 10000))
COMM_A=sla$id$RANDOM
COMM_B=slb$id$RANDOM
COMM_A=${COMM_A:0:15} COMM_B=${COMM_B:0:15}
B4=$((10 + RANDOM % 100)) B6=$((200 + RANDOM % 100))
BIG=$((1 << 20))
SOMAXCONN=$(cat /proc/sys/net/core/somaxconn)

# The two workloads wait for $GO before they listen.
env --default-signal=INT "$PY" "$HELPER" "$TMP/a" "$COMM_A" "$GO" $B4 $B6 $BIG &
on_exit kill -KILL $!
unshare -n sh -c 'ip link set lo up && exec "$@"' _ \
	"$PY" "$HELPER" "$TMP/b" "$COMM_B" "$GO" $((B4 + 1)) $((B6 + 1)) $BIG &
on_exit kill -KILL $!
wait_for_file() { local i; for ((i = 0; i < 200; i++)); do [ -s "$1" ] && return 0; sleep 0.05; done; return 1; }
wait_for_file "$TMP/a.pid" && wait_for_file "$TMP/b.pid" || bail_out "workloads start" "no pid files"
PID_A=$(cat "$TMP/a.pid") PID_B=$(cat "$TMP/b.pid")
NETNS_A=$(stat -L -c %i /proc/$PID_A/ns/net) NETNS_B=$(stat -L -c %i /proc/$PID_B/ns/net)

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
start_instance netns "" -n "$NETNS_B"
start_instance shownetns "" --show-netns -t
start_instance perfbuf ringbuf -v
start_instance pairs task_pt_regs -v
start_instance raw tracepoint -v

touch "$GO"
wait_for_file "$TMP/a" && wait_for_file "$TMP/b" || fail "workloads listen" "no port files"
read -r P4_A P6_A AUTO_A <"$TMP/a"
read -r P4_B P6_B AUTO_B <"$TMP/b"
wait_for "$TMP/text" " $COMM_A .*UDPv4" 5
wait_for "$TMP/text" " $COMM_B .*UDPv4" 5
sleep 0.3 # the other instances read the same events
for i in "${!NAMES[@]}"; do
	TOOL_PID=${PIDS[$i]}
	stop_tool INT
	rc=$?
	[ "$rc" = 0 ] || fail "${NAMES[$i]}: exits 0 on SIGINT" "exit status $rc"
done

# lines FILE WHO: the exact rows of workload WHO (A or B), in call order.
lines() {
	local pid comm p4 p6 auto b4=$B4 b6=$B6
	if [ "$2" = A ]; then pid=$PID_A comm=$COMM_A p4=$P4_A p6=$P6_A auto=$AUTO_A
	else pid=$PID_B comm=$COMM_B p4=$P4_B p6=$P6_B auto=$AUTO_B b4=$((B4 + 1)) b6=$((B6 + 1)); fi
	grep -cE -e "^$pid +$comm +0 +$b4 +TCPv4 +$p4 +127\.0\.0\.1$" \
		-e "^$pid +$comm +0 +$b6 +TCPv6 +$p6 +::1$" \
		-e "^$pid +$comm +0 +$SOMAXCONN +TCPv4 +$auto +0\.0\.0\.0$" \
		-e "^$pid +$comm +-95 +5 +UDPv4 +0 +0\.0\.0\.0$" "$1"
}
# count FILE WHO: lines of that workload, whatever they say.
count() { if [ "$2" = A ]; then grep -c " $COMM_A " "$1"; else grep -c " $COMM_B " "$1"; fi; }

expect() { # NAME FILE WHO N: N exact rows of WHO, and no other row of it
	local n m
	n=$(lines "$2" "$3") m=$(count "$2" "$3")
	if [ "$n" = "$4" ] && [ "$m" = "$4" ]; then ok "$1"
	else fail "$1" "$n exact of $m rows, want $4: $(grep -E " ($COMM_A|$COMM_B) " "$2" | head -4)"; fi
}

check "header: PID COMM RET BACKLOG PROTO PORT ADDR" \
	grep -qxE 'PID +COMM +RET +BACKLOG +PROTO +PORT +ADDR' "$TMP/text"
expect "IPv4, IPv6, unbound (port from listen, backlog capped at somaxconn $SOMAXCONN) and UDP (-95) rows of the host process" \
	"$TMP/text" A 4
expect "the same four rows of the process in its own network namespace" "$TMP/text" B 4
check_path "best path: the exit tracepoint alone, ring buffer" "$TMP/text.err" \
	sys_exit_listen=tracepoint sys_enter_listen=- buffer=ringbuf

expect "-p PID: that process's four rows" "$TMP/pid" A 4
expect "-p PID: no row of the other process" "$TMP/pid" B 0
expect "-n NETNS: the four rows of the process in that namespace" "$TMP/netns" B 4
expect "-n NETNS: no row of the host's namespace" "$TMP/netns" A 0

check "--show-netns -t: header TIME PID COMM NETNS RET ..." \
	grep -qxE 'TIME +PID +COMM +NETNS +RET +BACKLOG +PROTO +PORT +ADDR' "$TMP/shownetns"
check "--show-netns: the namespace of each process (${NETNS_A}, ${NETNS_B})" \
	test "$(grep -cE "^[0-9]{2}:[0-9]{2}:[0-9]{2} +($PID_A +$COMM_A +$NETNS_A|$PID_B +$COMM_B +$NETNS_B) +" \
		"$TMP/shownetns")" = 8

# --json
jq_check() { # NAME FILTER ARGS...: FILTER (on the JSON Lines) prints true
	local name=$1 filter=$2 got
	shift 2
	got=$(jq -s "$@" "$filter" "$TMP/json" 2>&1)
	if [ "$got" = true ]; then ok "$name"; else fail "$name" "got: $got"; fi
}
jq_check "--json: the IPv6 call with pid, tid, port, backlog, address and netns" \
	'[.[] | select(.comm == $c and .proto == "TCPv6")] | length == 1 and (.[0] |
	 .pid == $pid and .tid == $pid and .port == $p6 and .backlog == $b6 and .ret == 0 and
	 .addr == "::1" and .ip == 6 and .netns == $ns)' \
	--arg c "$COMM_A" --argjson pid "$PID_A" --argjson p6 "$P6_A" --argjson b6 "$B6" \
	--argjson ns "$NETNS_A"
jq_check "--json: the failed UDP call with ret -95, EOPNOTSUPP and the backlog passed" \
	'[.[] | select(.comm == $c and .proto == "UDPv4")] | length == 1 and (.[0] |
	 .ret == -95 and .error == "EOPNOTSUPP" and .backlog == 5 and .port == 0)' --arg c "$COMM_B"
jq_check "--json: the eight calls of the two processes, no more" \
	'[.[] | select(.comm == $a or .comm == $b)] | length == 8' --arg a "$COMM_A" --arg b "$COMM_B"

# Forced paths.
expect "BPFSCOPE_AVOID=ringbuf: the same rows" "$TMP/perfbuf" A 4
check_path "BPFSCOPE_AVOID=ringbuf: perf buffer" "$TMP/perfbuf.err" buffer=perfbuf \
	sys_exit_listen=tracepoint
expect "BPFSCOPE_AVOID=task_pt_regs: the same rows" "$TMP/pairs" A 4
check_path "BPFSCOPE_AVOID=task_pt_regs: entry and exit tracepoints" "$TMP/pairs.err" \
	sys_enter_listen=tracepoint sys_exit_listen=tracepoint
expect "BPFSCOPE_AVOID=tracepoint: the same rows" "$TMP/raw" B 4
check_path "BPFSCOPE_AVOID=tracepoint: raw_syscalls' exit" "$TMP/raw.err" kinds=raw_tp \
	sys_exit=raw_tp

# Bad input.
"$BIN/$T" -n 0 >"$TMP/o" 2>"$TMP/e"
rc=$?
if [ $rc = 2 ] && [ "$(wc -l <"$TMP/e")" = 1 ] && grep -q "^$T: " "$TMP/e"; then
	ok "-n 0: one-line usage error"
else
	fail "-n 0: one-line usage error" "rc=$rc $(cat "$TMP/e")"
fi

#!/bin/bash
# tcptop: two loopback TCP connections of our own (IPv4 and IPv6), each a
# client and a server process that stop themselves until every tcptop is
# attached, then move random byte counts.  Each run must show exactly those
# bytes on exactly those connections and processes, through each filter,
# sort, hook kind and output form.
. "$(dirname "$0")/../lib.sh"
need jq

T=tcptop
[ -x "$BIN/$T" ] || skip_all "bin/$T is not built"
PY=/usr/bin/python3
[ -x "$PY" ] || skip_all "needs $PY"
PAIR=$TOP/tests/integration/helpers/tcptop_pair.py
tag=tt$((RANDOM % 90000 + 10000))

# Random sizes, far apart, so a count shows whose bytes it holds (IPv4 moves the most).
SEND4=$((3000000 + RANDOM * 30)) RECV4=$((100000 + RANDOM * 3))
SEND6=$((500000 + RANDOM * 10)) RECV6=$((1200000 + RANDOM * 20))

wait_stopped() {
	local i
	for ((i = 0; i < 200; i++)); do
		[ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" = T ] && return 0
		sleep 0.02
	done
	return 1
}

# pair FAM ADDR SEND RECV: a stopped client and server; sets C$FAM S$FAM (PIDs),
# CP$FAM SP$FAM (their ports) and J$FAM (the server's job).
pair() {
	local fam=$1 info=$TMP/info$1 i
	"$PY" "$PAIR" "$2" "$3" "$4" "${tag}_$fam" "$info" &
	eval "J$fam=$!"
	on_exit kill -KILL $!
	for ((i = 0; i < 200; i++)); do
		[ "$(wc -l <"$info" 2>/dev/null)" = 2 ] && break
		sleep 0.02
	done
	while read -r role pid port; do
		if [ "$role" = client ]; then eval "C$fam=$pid CP$fam=$port"
		else eval "S$fam=$pid SP$fam=$port"; fi
		on_exit kill -KILL "$pid"
		wait_stopped "$pid" || bail_out "$T: workload" "$role $pid did not stop itself"
	done <"$info"
}
pair 4 127.0.0.1 $SEND4 $RECV4
pair 6 ::1 $SEND6 $RECV6
[ -n "$C4" ] && [ -n "$S4" ] && [ -n "$C6" ] && [ -n "$S6" ] ||
	bail_out "$T: workload" "$(cat "$TMP"/info* 2>/dev/null)"
ALL=$C4,$S4,$C6,$S6

cgroot=$(findmnt -n -o TARGET -t cgroup2 | head -1)
cg=$cgroot/bpfscope-tcptop-$$
CG=
if [ -n "$cgroot" ] && mkdir "$cg" 2>/dev/null; then
	on_exit rmdir "$cg"
	echo "$S4" >"$cg/cgroup.procs" && CG=$cg
fi

NAMES=()
PIDS=()
# start_instance NAME AVOID ARGS...: tcptop ARGS in the background, output in $TMP/NAME.
start_instance() {
	local name=$1 avoid=$2
	shift 2
	if BPFSCOPE_AVOID=$avoid start_tool "$TMP/$name" "$T" "$@"; then
		NAMES+=("$name")
		PIDS+=("$TOOL_PID")
		on_exit kill -KILL "$TOOL_PID"
	else
		fail "$T $*: starts" "$(head -c 300 "$TMP/$name.err")"
	fi
	TOOL_PID=
}

start_instance json "" -v --json 60
start_instance text "" -C 60
start_instance nosum "" -C -S 60
start_instance pid "" --json -p "$C4" 60
start_instance ipv4 "" --json -4 -p $ALL 60
start_instance ipv6 "" --json -6 -p $ALL 60
start_instance sent "" -C -S -s sent -p "$C4,$S4" 60
start_instance received "" -C -S -s received -p "$C4,$S4" 60
start_instance rows "" -C -S -r 1 -p $ALL 60
[ -n "$CG" ] && start_instance cgroup "" --json -c "$CG" 60
start_instance raw_tp tp_btf -v --json -p $ALL 60
start_instance tracepoint tp_btf,raw_tp -v --json -p $ALL 60

kill -CONT "$C4" "$S4" "$C6" "$S6"
wait "$J4"
st4=$?
wait "$J6"
st6=$?
[ "$st4$st6" = 00 ] || bail_out "$T: workload" "the pairs exited with $st4 and $st6"
sleep 0.2
status=
for i in "${!NAMES[@]}"; do
	TOOL_PID=${PIDS[$i]}
	stop_tool INT
	status="$status $?"
done
check "$T: every run stops on SIGINT with status 0" test -z "${status//[ 0]/}"

# bytes FILE PID LPORT RPORT: "RX TX" of that connection of that process (JSON).
bytes() {
	jq -r -s --argjson p "$2" --argjson l "$3" --argjson r "$4" \
		'[.[].connections[] | select(.pid == $p and .lport == $l and .rport == $r)] |
		 if length == 0 then "none" else "\(map(.rx_bytes) | add) \(map(.tx_bytes) | add)" end' \
		"$TMP/$1" 2>/dev/null
}
# expect FILE FAM: the four rows of our two processes of that family hold exactly their bytes.
expect() {
	local f=$1 fam=$2 c s cp sp snd rcv
	eval "c=\$C$fam s=\$S$fam cp=\$CP$fam sp=\$SP$fam snd=\$SEND$fam rcv=\$RECV$fam"
	[ "$(bytes "$f" "$c" "$cp" "$sp")" = "$rcv $snd" ] &&
		[ "$(bytes "$f" "$s" "$sp" "$cp")" = "$snd $rcv" ]
}
# has FILE PID: the process has a row.
has() { jq -e -s --argjson p "$2" 'any(.[].connections[]; .pid == $p)' "$TMP/$1" >/dev/null 2>&1; }

for fam in 4 6; do
	eval "want=\"client rx \$RECV$fam tx \$SEND$fam\" c=\$C$fam s=\$S$fam cp=\$CP$fam sp=\$SP$fam"
	if expect json $fam; then ok "--json: IPv$fam connection, both ends, exact bytes ($want)"
	else fail "--json: IPv$fam connection, both ends, exact bytes ($want)" \
		"client $(bytes json "$c" "$cp" "$sp"), server $(bytes json "$s" "$sp" "$cp")"; fi
done
if jq -e -s --argjson p "$C4" --arg n "${tag}_4_c" --argjson l "$CP4" --argjson r "$SP4" \
	'length == 1 and (.[0] | (.time | test("^[0-9:]{8}$")) and (.loadavg | length) == 3) and
	 any(.[0].connections[]; .pid == $p and .comm == $n and .ip == 4 and .laddr == "127.0.0.1" and
	     .raddr == "127.0.0.1" and .lport == $l and .rport == $r and
	     .rx_kb == (.rx_bytes / 1024 | floor) and .tx_kb == (.tx_bytes / 1024 | floor))' \
	"$TMP/json" >/dev/null; then
	ok "--json: {time, loadavg, connections: [{pid, comm, ip, laddr, lport, raddr, rport, rx_kb, tx_kb, rx_bytes, tx_bytes}]}"
else
	fail "--json: one object with the connection's fields" "$(head -c 400 "$TMP/json")"
fi
if jq -e -s --argjson p "$C6" 'any(.[].connections[]; .pid == $p and .ip == 6 and
	.laddr == "::1" and .raddr == "::1")' "$TMP/json" >/dev/null; then
	ok "--json: the IPv6 connection is ::1 to ::1"
else
	fail "--json: the IPv6 connection is ::1 to ::1" "$(head -c 300 "$TMP/json")"
fi
check_path "$T takes tp_btf" "$TMP/json.err" kinds=tp_btf sock_send_length=tp_btf \
	sock_recv_length=tp_btf

# Text: the upstream header and the client's row, in KB.
HEADER="PID    COMM         LADDR                 RADDR                  RX_KB  TX_KB"
row4="^$C4 +${tag}_4_c +127\.0\.0\.1:$CP4 +127\.0\.0\.1:$SP4 +$((RECV4 / 1024)) +$((SEND4 / 1024))$"
row6="^$S6 +${tag}_6_s +::1:$SP6 +::1:$CP6 +$((SEND6 / 1024)) +$((RECV6 / 1024))$"
if sed -n 1p "$TMP/text" | grep -qE '^[0-9:]{8} loadavg: [0-9.]+ [0-9.]+ [0-9.]+ [0-9]+/[0-9]+ [0-9]+$' &&
	[ -z "$(sed -n 2p "$TMP/text")" ] && [ "$(sed -n 3p "$TMP/text")" = "$HEADER" ] &&
	grep -qE "$row4" "$TMP/text" && grep -qE "$row6" "$TMP/text"; then
	ok "text: loadavg line, PID COMM LADDR RADDR RX_KB TX_KB, both connections in KB"
else
	fail "text: loadavg line, PID COMM LADDR RADDR RX_KB TX_KB, both connections in KB" \
		"want /$row4/: $(head -c 600 "$TMP/text")"
fi
if [ "$(sed -n 1p "$TMP/nosum")" = "$HEADER" ] && grep -qE "$row4" "$TMP/nosum" &&
	! grep -q loadavg "$TMP/nosum"; then
	ok "-S: no summary line, the header first"
else
	fail "-S: no summary line, the header first" "$(head -c 300 "$TMP/nosum")"
fi

# Filters: each shows its marked processes and hides the others.
if [ "$(bytes pid "$C4" "$CP4" "$SP4")" = "$RECV4 $SEND4" ] && ! has pid "$S4" && ! has pid "$C6"; then
	ok "-p CLIENT: the client's bytes only, not its server's"
else
	fail "-p CLIENT: the client's bytes only, not its server's" "$(head -c 400 "$TMP/pid")"
fi
if expect ipv4 4 && ! has ipv4 "$C6" && ! has ipv4 "$S6"; then ok "-4: the IPv4 connection, not the IPv6 one"
else fail "-4: the IPv4 connection, not the IPv6 one" "$(head -c 400 "$TMP/ipv4")"; fi
if expect ipv6 6 && ! has ipv6 "$C4" && ! has ipv6 "$S4"; then ok "-6: the IPv6 connection, not the IPv4 one"
else fail "-6: the IPv6 connection, not the IPv4 one" "$(head -c 400 "$TMP/ipv6")"; fi
if [ -z "$CG" ]; then
	skip "-c CGROUP: the cgroup's process only" "no writable cgroup v2 hierarchy"
elif [ "$(bytes cgroup "$S4" "$SP4" "$CP4")" = "$SEND4 $RECV4" ] && ! has cgroup "$C4" &&
	! has cgroup "$S6"; then
	ok "-c CGROUP: the server in the cgroup, not its client"
else
	fail "-c CGROUP: the server in the cgroup, not its client" "$(head -c 400 "$TMP/cgroup")"
fi

# -s and -r: the order and the number of rows.
first_pid() { sed -n 2p "$TMP/$1" | awk '{ print $1 }'; }
if [ "$(first_pid sent)" = "$C4" ] && [ "$(first_pid received)" = "$S4" ] &&
	[ "$(tail -n +2 "$TMP/sent" | wc -l)" = 2 ]; then
	ok "-s sent / -s received: the client (sent $SEND4) first, then the server (received them) first"
else
	fail "-s sent / -s received: the biggest sender / receiver first" \
		"$(cat "$TMP/sent" "$TMP/received")"
fi
if [ "$(tail -n +2 "$TMP/rows" | wc -l)" = 1 ] && grep -qE "^($C4|$S4) " "$TMP/rows"; then
	ok "-r 1: one row, the busiest connection (IPv4: $((SEND4 + RECV4)) bytes)"
else
	fail "-r 1: one row, the busiest connection" "$(cat "$TMP/rows")"
fi

# The other hook kinds, forced.
for name in raw_tp tracepoint; do
	check_path "BPFSCOPE_AVOID: $name taken" "$TMP/$name.err" kinds=$name \
		sock_send_length=$name sock_recv_length=$name
	if expect $name 4 && expect $name 6; then ok "$name: both connections, exact bytes"
	else fail "$name: both connections, exact bytes" "$(head -c 400 "$TMP/$name")"; fi
done

# Without the tracepoints (here there is neither fentry nor kprobes): one line, status 1.
BPFSCOPE_AVOID=tp_btf,raw_tp,tracepoint "$BIN/$T" >"$TMP/o" 2>"$TMP/e"
rc=$?
if [ -n "$(ls /sys/kernel/debug/tracing/kprobe_events 2>/dev/null)" ]; then
	skip "no usable hook: one-line error" "this kernel has kprobes"
elif [ $rc = 1 ] && [ "$(wc -l <"$TMP/e")" = 1 ] && [ ! -s "$TMP/o" ] &&
	grep -qE "^$T: cannot trace TCP sends .*tp_btf .*raw_tp .*tracepoint .*fexit .*kprobe" "$TMP/e"; then
	ok "no usable hook: a one-line error naming what each lacks"
else
	fail "no usable hook: a one-line error naming what each lacks" "status $rc: $(cat "$TMP/e")"
fi

# INTERVAL COUNT: two tables, then it exits by itself with 0.
timeout 10 "$BIN/$T" -C 1 2 >"$TMP/two" 2>"$TMP/two.err"
rc=$?
if [ $rc = 0 ] && [ "$(grep -cE '^[0-9:]{8} loadavg: ' "$TMP/two")" = 2 ] &&
	[ "$(grep -cxF "$HEADER" "$TMP/two")" = 2 ] && [ ! -s "$TMP/two.err" ]; then
	ok "$T -C 1 2: two tables, then exits with 0"
else
	fail "$T -C 1 2: two tables, then exits with 0" "status $rc: $(head -c 300 "$TMP/two.err")"
fi

# Bad input: one line, status 2.
"$BIN/$T" -s bytes >"$TMP/o" 2>"$TMP/e"
rc=$?
if [ $rc = 2 ] && [ "$(wc -l <"$TMP/e")" = 1 ] && grep -q "'bytes'" "$TMP/e" && [ ! -s "$TMP/o" ]; then
	ok "$T -s bytes: a one-line error naming the value, status 2"
else
	fail "$T -s bytes: a one-line error naming the value, status 2" "status $rc: $(cat "$TMP/e")"
fi

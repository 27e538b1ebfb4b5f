#!/bin/bash
# tcpconnect: two marked clients (names of their own, known PIDs, one of them
# running as nobody) connect to listeners of ours on random ports, over IPv4
# and IPv6, and one connect is refused.  Every instance (one per option that
# changes the data, and per forced fallback) watches the same connects: each
# must show exactly the connects it should, with their PIDs, addresses and
# ports, and hide the others.
. "$(dirname "$0")/../lib.sh"
need jq setpriv ss

T=tcpconnect
PY=/usr/bin/python3 # not a wrapper that forks: the PIDs must be the clients'
PEER=$TOP/tests/integration/helpers/tcpconnect_peer.py
id=$((RANDOM % 1000))$((RANDOM % 1000))
P1=$(free_ports 3) || bail_out "three free ports"
P2=$((P1 + 1))
CLOSED=$((P1 + 2))
NA=tcA$id # clients' command names
NB=tcB$id
GO=$TMP/go

# A: two IPv4 and one IPv6 connect to P1, one refused (IPv4, CLOSED); B (nobody): one of each to P2.
# spawn CMD...: in the background, killed at exit (no "Killed" notice then).
spawn() {
	"$@" &
	on_exit kill -KILL $!
	disown $!
}
spawn $PY "$PEER" server $P1 127.0.0.1 ::1
spawn $PY "$PEER" server $P2 127.0.0.1 ::1
mkdir -m 777 "$TMP/clients"
spawn $PY "$PEER" client "$NA" "$GO" "$TMP/clients/a" 127.0.0.1,$P1 ::1,$P1 127.0.0.1,$P1 \
	127.0.0.1,$CLOSED
spawn run_as_nobody $PY "$PEER" client "$NB" "$GO" "$TMP/clients/b" 127.0.0.1,$P2 ::1,$P2
for ((i = 0; i < 200; i++)); do
	[ -s "$TMP/clients/a.pid" ] && [ -s "$TMP/clients/b.pid" ] &&
		[ "$(ss -Htln | grep -cE ":($P1|$P2) ")" = 4 ] && break
	sleep 0.05
done
PA=$(sed -n 's/^pid //p' "$TMP/clients/a.pid")
PB=$(sed -n 's/^pid //p' "$TMP/clients/b.pid")
[ -n "$PA" ] && [ -n "$PB" ] || bail_out "the clients did not start"

NAMES=()
PIDS=()
# start_instance NAME AVOID ARGS...: one tcpconnect, output in $TMP/NAME.
start_instance() {
	local name=$1 avoid=$2
	shift 2
	if BPFSCOPE_AVOID=$avoid start_tool "$TMP/$name" "$T" "$@"; then
		NAMES+=("$name")
		PIDS+=("$TOOL_PID")
		on_exit kill -KILL "$TOOL_PID"
	else
		fail "$name: starts" "$(grep -v '^libbpf' "$TMP/$name.err" | head -c 300)"
	fi
	TOOL_PID=
}

start_instance text ""
start_instance ports "" -t -U -L -s
start_instance json "" --json -L
start_instance pid "" -p "$PA"
start_instance uid "" -u 65534
start_instance portlist "" -P "$CLOSED,$P2"
start_instance ipv4 "" -4
start_instance ipv6 "" -6
start_instance count "" -c
start_instance countjson "" -c -s --json
start_instance raw_tp tp_btf -v
start_instance tracepoint tp_btf,raw_tp -v
start_instance perfbuf ringbuf -v -L
start_instance rawsys tracepoint -v -L

touch "$GO"
wait_for "$TMP/clients/a" refused 10 && wait_for "$TMP/clients/b" . 10 ||
	fail "clients: connected" "$(cat "$TMP/clients/a" "$TMP/clients/b" 2>&1)"
sleep 0.3 # the last events reach every instance's poll loop
for i in "${!NAMES[@]}"; do
	TOOL_PID=${PIDS[$i]}
	stop_tool INT
	rc=$?
	[ "$rc" = 0 ] || fail "${NAMES[$i]}: exits 0 on SIGINT" "exit status $rc"
done

# The clients' connects: "ok ADDR PORT LPORT" or "refused ADDR PORT -".
lports() { awk -v a="$2" -v p="$3" '$1 == "ok" && $2 == a && $3 == p { print $4 }' "$1"; }
A4=$(lports "$TMP/clients/a" 127.0.0.1 $P1)
A6=$(lports "$TMP/clients/a" ::1 $P1)
B4=$(lports "$TMP/clients/b" 127.0.0.1 $P2)
B6=$(lports "$TMP/clients/b" ::1 $P2)
[ "$(wc -w <<<"$A4 $A6 $B4 $B6")" = 5 ] || fail "clients: 5 connects" "$A4 / $A6 / $B4 / $B6"

# lines FILE PID NAME: that client's lines (the name is unique to this run).
lines() { grep -E "^(.* )?$2 +$3 " "$1"; }
# has FILE REGEX...: each REGEX matches a line.
has() {
	local f=$1 re
	shift
	for re in "$@"; do grep -qE -- "$re" "$f" || return 1; done
}

# Default columns: the exact header and the six connects, nothing more of ours.
header="PID     COMM         IP SADDR            DADDR            DPORT"
if grep -qxF "$header" "$TMP/text"; then ok "header as upstream"
else fail "header as upstream" "$(head -1 "$TMP/text")"; fi
a_lines=(
	"^$PA +$NA +4 +127\.0\.0\.1 +127\.0\.0\.1 +$P1$"
	"^$PA +$NA +6 +::1 +::1 +$P1$"
	"^$PA +$NA +4 +127\.0\.0\.1 +127\.0\.0\.1 +$CLOSED$"
)
b_lines=(
	"^$PB +$NB +4 +127\.0\.0\.1 +127\.0\.0\.1 +$P2$"
	"^$PB +$NB +6 +::1 +::1 +$P2$"
)
name="connects shown with PID, name, IP version, addresses and port (one refused)"
if has "$TMP/text" "${a_lines[@]}" "${b_lines[@]}" && [ "$(lines "$TMP/text" "$PA" "$NA" | wc -l)" = 4 ] &&
	[ "$(lines "$TMP/text" "$PB" "$NB" | wc -l)" = 2 ]; then
	ok "$name"
else
	fail "$name" "$(grep -E " ($NA|$NB) " "$TMP/text" | head -6 | tr '\n' '|')"
fi

# -t -U -L -s: time, UID, the local port each client saw (SPORT repeats it).
name="-t -U -L -s: time, UID and the exact local ports"
re_ok=1
for lp in $A4; do
	has "$TMP/ports" "^[0-9]+\.[0-9]{3} +0 +$PA +$NA +4 +127\.0\.0\.1 +$lp +127\.0\.0\.1 +$lp +$P1$" || re_ok=
done
has "$TMP/ports" "^[0-9.]+ +0 +$PA +$NA +6 +::1 +$A6 +::1 +$A6 +$P1$" \
	"^[0-9.]+ +65534 +$PB +$NB +4 +127\.0\.0\.1 +$B4 +127\.0\.0\.1 +$B4 +$P2$" \
	"^[0-9.]+ +65534 +$PB +$NB +6 +::1 +$B6 +::1 +$B6 +$P2$" || re_ok=
if [ -n "$re_ok" ] && grep -qE '^TIME\(s\) +UID +PID +COMM +IP +SADDR +LPORT +DADDR +SPORT +DPORT$' "$TMP/ports"
then ok "$name"; else fail "$name" "A4=$A4 A6=$A6 B4=$B4 B6=$B6: $(grep -E " ($NA|$NB) " "$TMP/ports" | tr '\n' '|')"; fi
# A refused connect had a port too: it is released before the state becomes CLOSE.
name="-L: a refused connect shows the local port it had"
if has "$TMP/ports" "^[0-9.]+ +0 +$PA +$NA +4 +127\.0\.0\.1 +[1-9][0-9]* +127\.0\.0\.1 +[1-9][0-9]* +$CLOSED$"
then ok "$name"; else fail "$name" "$(grep -E "$CLOSED$" "$TMP/ports")"; fi

# --json: parsed by jq, every field of A's IPv4 connects.
name="--json: valid JSON Lines with pid, comm, ip, addresses and ports"
got=$(jq -r --arg n "$NA" 'select(.comm == $n and .ip == 4 and .dport == '$P1')
	| "\(.pid) \(.saddr) \(.daddr) \(.lport) \(.uid)"' "$TMP/json" 2>&1 | sort)
want=$(for lp in $A4; do echo "$PA 127.0.0.1 127.0.0.1 $lp 0"; done | sort)
if [ -n "$want" ] && [ "$got" = "$want" ] &&
	[ "$(jq -r --arg n "$NB" 'select(.comm == $n and .ip == 6) | "\(.pid) \(.lport) \(.uid)"' "$TMP/json")" = "$PB $B6 65534" ]
then ok "$name"; else fail "$name" "got '$got' want '$want'"; fi

# Filters: each shows its connects and hides the others.
# only FILE NAME A|B|- A|B|-: A's four and B's two lines shown (1) or not (0).
only() {
	local f=$1 what=$2 na nb
	na=$(lines "$f" "$PA" "$NA" | wc -l)
	nb=$(lines "$f" "$PB" "$NB" | wc -l)
	if [ "$na $nb" = "$3 $4" ]; then ok "$what"
	else fail "$what" "$na of A's lines and $nb of B's, want $3 and $4"; fi
}
only "$TMP/pid" "-p PID: the process's 4 connects only" 4 0
only "$TMP/uid" "-u 65534: nobody's 2 connects only" 0 2
only "$TMP/portlist" "-P CLOSED,P2: connects to those ports only" 1 2
has "$TMP/portlist" "^$PA +$NA +4 .* $CLOSED$" || fail "-P: the refused connect to CLOSED" "missing"
only "$TMP/ipv4" "-4: IPv4 only" 3 1
has "$TMP/ipv4" "^$PA +$NA +4 .* $P1$" || fail "-4: A's IPv4 connect to P1" "missing"
only "$TMP/ipv6" "-6: IPv6 only" 1 1
has "$TMP/ipv6" "^$PB +$NB +6 +::1 +::1 +$P2$" || fail "-6: B's IPv6 connect" "missing"

# -c: exact counts per address pair and port, at the end.
name="-c: connects counted per address pair and destination port"
if grep -qE '^LADDR +RADDR +RPORT +CONNECTS$' "$TMP/count" &&
	has "$TMP/count" "^127\.0\.0\.1 +127\.0\.0\.1 +$P1 +2$" "^::1 +::1 +$P1 +1$" \
		"^127\.0\.0\.1 +127\.0\.0\.1 +$CLOSED +1$" "^127\.0\.0\.1 +127\.0\.0\.1 +$P2 +1$" \
		"^::1 +::1 +$P2 +1$" && ! grep -qE " ($NA|$NB) " "$TMP/count"
then ok "$name"; else fail "$name" "$(grep -E " ($P1|$P2|$CLOSED) " "$TMP/count" | tr '\n' '|')"; fi
name="-c -s --json: one count per local port"
got=$(jq -r 'select(.rport == '$P1') | "\(.ip) \(.lport) \(.connects)"' "$TMP/countjson" 2>&1 | sort)
want=$( (for lp in $A4; do echo "4 $lp 1"; done; echo "6 $A6 1") | sort)
if [ "$got" = "$want" ]; then ok "$name"; else fail "$name" "got '$got' want '$want'"; fi

# Fallbacks forced with BPFSCOPE_AVOID: the path is the one forced, the data the same.
check_fallback() {
	local name=$1 what=$2
	shift 2
	check_path "$what: taken" "$TMP/$name.err" "$@"
	if has "$TMP/$name" "${a_lines[@]}" "${b_lines[@]}"
	then ok "$what: shows the connects"
	else fail "$what: shows the connects" "$(grep -v '^libbpf' "$TMP/$name.err" | tail -2)"; fi
}
check_fallback raw_tp "BPFSCOPE_AVOID=tp_btf: raw_tp" kinds=raw_tp inet_sock_set_state=raw_tp
check_fallback tracepoint "BPFSCOPE_AVOID=tp_btf,raw_tp: classic tracepoint" \
	kinds=tracepoint inet_sock_set_state=tracepoint
check_path "BPFSCOPE_AVOID=ringbuf -L: perf buffer, connect() exit tracepoint" "$TMP/perfbuf.err" \
	buffer=perfbuf inet_sock_set_state=tp_btf sys_exit_connect=tracepoint
check_path "BPFSCOPE_AVOID=tracepoint -L: connect() exit via raw_syscalls" "$TMP/rawsys.err" \
	inet_sock_set_state=tp_btf sys_exit=raw_tp sys_exit_connect=-
for name in perfbuf rawsys; do
	what="BPFSCOPE_AVOID=$(sed 's/perfbuf/ringbuf/;s/rawsys/tracepoint/' <<<$name) -L: exact local ports"
	if has "$TMP/$name" "^$PA +$NA +6 +::1 +$A6 +::1 +$P1$" "^$PB +$NB +4 +127\.0\.0\.1 +$B4 +127\.0\.0\.1 +$P2$"
	then ok "$what"; else fail "$what" "$(grep -E " ($NA|$NB) " "$TMP/$name" | tr '\n' '|')"; fi
done

# Bad input: one line, status 2.
for args in "-P 90-80" "-P 65536" "-P $P1,,$P2" "-P 80x" "-4 -6"; do
	"$BIN/$T" $args >"$TMP/o" 2>"$TMP/e"
	rc=$?
	if [ $rc = 2 ] && [ "$(wc -l <"$TMP/e")" = 1 ] && grep -q "^$T: " "$TMP/e" && [ ! -s "$TMP/o" ]
	then ok "'$args': one-line usage error"; else fail "'$args': one-line usage error" "rc=$rc $(cat "$TMP/e")"; fi
done

#!/bin/bash
# tcptracer: marked connections (IPv4 and IPv6 on loopback, one in a network
# namespace of our own, one client run as nobody) whose connect, accept and
# closes come in a fixed order; each instance must show exactly the events of
# the connections its options select, with their PIDs, ports and names.
. "$(dirname "$0")/../lib.sh"
need ip jq setpriv

T=tcptracer
PY=/usr/bin/python3 # not a pyenv wrapper: the PIDs must be the workload's
PEER=$TOP/tests/integration/helpers/tcptracer_peer.py
id=$((RANDOM % 10000))$((RANDOM % 10000))
NS=bpfs-tt-$id
PORT=$(free_ports 2) || bail_out "two free ports"

ip netns add "$NS" || skip_all "cannot create a network namespace"
on_exit ip netns del "$NS"
ip -n "$NS" link set lo up
NETNS_INO=$(stat -L -c %i "/run/netns/$NS")
W=$TMP/w # the clients write their port here, nobody's too
mkdir -m 1777 "$W"

# Each connection: NAME HOST RUNNER [reset].  Comms are unique to this run
# (15 bytes).  r4: the server resets the connection, the client closes after.
CONNS="a4 127.0.0.1 -
b6 ::1 nobody
n4 127.0.0.1 netns
r4 127.0.0.1 - reset"
comm_of() { echo "tt$1$id" | cut -c1-15; }
# run_in RUNNER CMD...: as root, as nobody, or in the namespace (exec: same PID).
run_in() {
	local how=$1
	shift
	case $how in
	nobody) exec setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@" ;;
	netns) exec ip netns exec "$NS" "$@" ;;
	*) exec "$@" ;;
	esac
}

# Servers first (-p needs their PIDs), listening before any tool starts.
while read -r name host how reset; do
	port=$PORT
	[ "$name" = r4 ] && port=$((PORT + 1))
	(run_in "$([ "$how" = netns ] && echo netns)" $PY "$PEER" server "$host" "$port" \
		"$(comm_of "s$name")" "$TMP/ready.$name" $reset) >/dev/null 2>&1 &
	eval "SPID_$name=$!"
	on_exit kill -KILL "$!"
done <<<"$CONNS"
for name in a4 b6 n4 r4; do
	for ((i = 0; i < 100; i++)); do [ -e "$TMP/ready.$name" ] && break; sleep 0.05; done
	[ -e "$TMP/ready.$name" ] || bail_out "server $name did not start"
done

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

start_instance text ""
start_instance cols "" -t -U
start_instance json "" --json
start_instance pid "" -p "$SPID_a4"
start_instance uid "" -u 65534
start_instance comm "" -n "$(comm_of ca4)"
start_instance ipv4 "" -4
start_instance ipv6 "" -6
start_instance netns "" -N "$NETNS_INO"
start_instance raw_tp tp_btf -v
start_instance tracepoint tp_btf,raw_tp -v
start_instance rawsys tracepoint -v
start_instance perfbuf ringbuf -v

# The clients, one after the other; each ends once its connection is closed.
while read -r name host how reset; do
	port=$PORT
	[ "$name" = r4 ] && port=$((PORT + 1))
	(run_in "$how" $PY "$PEER" client "$host" "$port" "$(comm_of "c$name")" \
		"$W/cport.$name" $reset) >/dev/null 2>&1 &
	eval "CPID_$name=$!"
	wait "$!" || fail "client $name" "exit status $?"
	eval "CPORT_$name=\$(cat \"$W/cport.$name\" 2>/dev/null)"
done <<<"$CONNS"
for name in a4 b6 n4 r4; do
	eval "wait \$SPID_$name" || fail "server $name" "exit status $?"
done
sleep 0.3 # the last events reach every instance
for i in "${!NAMES[@]}"; do
	TOOL_PID=${PIDS[$i]}
	stop_tool INT
	rc=$?
	[ "$rc" = 0 ] || fail "${NAMES[$i]}: exits 0 on SIGINT" "exit status $rc"
done

port_of() { if [ "$1" = r4 ]; then echo $((PORT + 1)); else echo "$PORT"; fi; }
# The text lines of connection NAME, expected (E) and as printed (filtered by
# the ports of the connection), without the optional leading columns.
expected() {
	local n=$1 host ip s c sp cp
	eval "s=\$SPID_$n c=\$CPID_$n sp=$(port_of "$n") cp=\$CPORT_$n"
	host=127.0.0.1 ip=4
	[ "$n" = b6 ] && host=::1 ip=6
	local xc="X $c $(comm_of "c$n") $ip $host $host $cp $sp"
	local xs="X $s $(comm_of "s$n") $ip $host $host $sp $cp"
	printf '%s\n' \
		"C $c $(comm_of "c$n") $ip $host $host $cp $sp" \
		"A $s $(comm_of "s$n") $ip $host $host $sp $cp"
	if [ "$n" = r4 ]; then printf '%s\n' "$xs" "$xc"; else printf '%s\n' "$xc" "$xs"; fi
}
# shown FILE NAME [SKIP]: the lines about connection NAME (its client port
# at either end), spaces squeezed, the first SKIP columns cut.
shown() {
	local cp
	eval "cp=\$CPORT_$2"
	awk -v cp="$cp" -v p="$(port_of "$2")" -v skip="${3:-0}" '
		($(NF) == cp && $(NF-1) == p) || ($(NF) == p && $(NF-1) == cp) {
			for (i = skip + 1; i <= NF; i++) printf "%s%s", $i, (i < NF ? " " : "\n")
		}' "$1"
}
# check_conn INSTANCE CONN [SKIP]: exactly the four events, in order.
check_conn() {
	local got want
	want=$(expected "$2")
	got=$(shown "$TMP/$1" "$2" "$3")
	if eval "[ -n \"\$CPORT_$2\" ]" && [ "$got" = "$want" ]; then ok "$1: connection $2: C A X X, PIDs, names, ports"
	else fail "$1: connection $2: C A X X" "want [$want] got [$got]"; fi
}
check_none() {
	if [ -z "$(shown "$TMP/$1" "$2")" ]; then ok "$1: nothing of connection $2"
	else fail "$1: nothing of connection $2" "$(shown "$TMP/$1" "$2" | head -2)"; fi
}

check "header" grep -qE '^T +PID +COMM +IP +SADDR +DADDR +SPORT +DPORT$' "$TMP/text"
for c in a4 b6 n4; do check_conn text "$c"; done
# Reset by the server (X: its close with unread data), then closed by the
# client (X: a socket the kernel had closed, seen when close() destroys it).
check_conn text r4
# -t -U: TIME(s) and UID before; nobody's client shows uid 65534, root's 0.
check "-t -U header" grep -qE '^TIME\(s\) +UID +T +PID' "$TMP/cols"
check_conn cols b6 2
got=$(shown "$TMP/cols" b6 | awk '{ print $2 ":" $3 }' | sort -u | tr '\n' ' ')
if [ "$got" = "0:A 0:X 65534:C 65534:X " ]; then ok "-U: the UID of each event's task"
else fail "-U: the UID of each event's task" "got $got"; fi
if shown "$TMP/cols" a4 | awk '$1 !~ /^[0-9]+\.[0-9][0-9][0-9]$/ { bad = 1 } END { exit bad }'
then ok "-t: seconds since the start"; else fail "-t: seconds" "$(head -3 "$TMP/cols")"; fi

# -p: the server's accept and close only.
want=$(expected a4 | grep -v "^[CX] $CPID_a4 ")
if [ "$(shown "$TMP/pid" a4)" = "$want" ]; then ok "-p: only the process's events"
else fail "-p: only the process's events" "got [$(shown "$TMP/pid" a4)]"; fi
check_none pid b6
# -u 65534: nobody's client's connect and close only.
want=$(expected b6 | grep "^[CX] $CPID_b6 ")
if [ "$(shown "$TMP/uid" b6)" = "$want" ]; then ok "-u: only the user's events"
else fail "-u: only the user's events" "got [$(shown "$TMP/uid" b6)]"; fi
check_none uid a4
# -n: the client's name.
want=$(expected a4 | grep "^[CX] $CPID_a4 ")
if [ "$(shown "$TMP/comm" a4)" = "$want" ]; then ok "-n: only the named command's events"
else fail "-n: only the named command's events" "got [$(shown "$TMP/comm" a4)]"; fi
check_none comm n4
check_conn ipv4 a4
check_none ipv4 b6
check_conn ipv6 b6
check_none ipv6 a4
check_conn netns n4
check_none netns a4

# --json: one object per event, the tuple as the tool's other network tools name it.
if jq -e . "$TMP/json" >/dev/null 2>&1; then ok "--json: every line parses"
else fail "--json: every line parses" "$(head -c 200 "$TMP/json")"; fi
got=$(jq -r --argjson cp "${CPORT_a4:-0}" --argjson p "$PORT" \
	'select((.lport == $cp and .rport == $p) or (.lport == $p and .rport == $cp)) |
	 [.type, .pid, .comm, .ip, .laddr, .raddr, .lport, .rport, (.netns > 0), .uid] | join(" ")' \
	"$TMP/json" 2>/dev/null)
want=$(expected a4 | sed 's/^C/connect/; s/^A/accept/; s/^X/close/; s/$/ true 0/')
if [ "$got" = "$want" ]; then ok "--json: the four events of connection a4"
else fail "--json: the four events of connection a4" "want [$want] got [$got]"; fi
got=$(jq -r --argjson cp "${CPORT_n4:-0}" 'select(.lport == $cp) | .netns' "$TMP/json" | sort -u)
if [ "$got" = "$NETNS_INO" ]; then ok "--json: netns is the namespace's inode"
else fail "--json: netns is the namespace's inode" "want $NETNS_INO got $got"; fi

# Each fallback: the same events, on the hooks forced.
check_conn raw_tp a4
check_path "raw_tp: forced" "$TMP/raw_tp.err" inet_sock_set_state=raw_tp sys_exit_accept4=tracepoint
check_conn tracepoint a4
check_path "tracepoint: forced" "$TMP/tracepoint.err" inet_sock_set_state=tracepoint
check_conn rawsys a4
check_path "raw sys_exit: forced" "$TMP/rawsys.err" inet_sock_set_state=tp_btf sys_exit=raw_tp
got=$(shown "$TMP/perfbuf" a4 | sort)
if [ "$got" = "$(expected a4 | sort)" ]; then ok "perfbuf: the four events of connection a4"
else fail "perfbuf: the four events" "got [$got]"; fi
check_path "perfbuf: forced" "$TMP/perfbuf.err" buffer=perfbuf

#!/bin/bash
# tcpconnlat: marked clients connect to listeners of ours over IPv4 and IPv6
# (one connect refused: never shown), and one inside a network namespace of
# our own whose nftables drop each connection's first SYN, so that its
# handshake takes the initial retransmission timeout, 1 s (this kernel has no
# netem).  Latencies are checked against the time each client's connect()
# took, measured by the client.
. "$(dirname "$0")/../lib.sh"
need jq ss ip nft

T=tcpconnlat
PY=/usr/bin/python3 # not a wrapper that forks: the PIDs must be the clients'
PEER=$TOP/tests/integration/helpers/tcpconnect_peer.py
id=$((RANDOM % 1000))$((RANDOM % 1000))
P1=$(free_ports 3) || bail_out "three free ports"
P2=$((P1 + 1))
CLOSED=$((P1 + 2))
NA=tlA$id # clients' command names
NB=tlB$id
NC=tlC$id
NS=bpfs-cl-$id
GO=$TMP/go

# spawn CMD...: in the background, killed at exit (no "Killed" notice then).
spawn() {
	"$@" &
	on_exit kill -KILL $!
	disown $!
}

ip netns add "$NS" || skip_all "cannot create a network namespace"
on_exit ip netns del "$NS"
ip -n "$NS" link set lo up
# Each connection's first SYN is dropped (remembered by source port): the client sends it again 1 s later.
ip netns exec "$NS" nft -f - <<EOF || bail_out "nftables in the namespace"
table inet bpfs_cl {
	set seen { type ipv4_addr . inet_service; timeout 60s; }
	chain input {
		type filter hook input priority 0;
		tcp dport $P1 tcp flags == syn ip saddr . tcp sport != @seen add @seen { ip saddr . tcp sport } drop
	}
}
EOF

spawn $PY "$PEER" server $P1 127.0.0.1 ::1
spawn $PY "$PEER" server $P2 127.0.0.1
spawn ip netns exec "$NS" $PY "$PEER" server $P1 127.0.0.1
mkdir "$TMP/clients"
spawn $PY "$PEER" client "$NA" "$GO" "$TMP/clients/a" 127.0.0.1,$P1 ::1,$P1 127.0.0.1,$CLOSED
spawn $PY "$PEER" client "$NB" "$GO" "$TMP/clients/b" 127.0.0.1,$P2
spawn ip netns exec "$NS" $PY "$PEER" client "$NC" "$GO" "$TMP/clients/c" 127.0.0.1,$P1
for ((i = 0; i < 200; i++)); do
	[ -s "$TMP/clients/a.pid" ] && [ -s "$TMP/clients/b.pid" ] && [ -s "$TMP/clients/c.pid" ] &&
		[ "$(ss -Htln | grep -cE ":($P1|$P2) ")" = 3 ] &&
		ip netns exec "$NS" ss -Htln | grep -q ":$P1 " && break
	sleep 0.05
done
pid_of() { sed -n 's/^pid //p' "$TMP/clients/$1.pid"; }
PA=$(pid_of a) PB=$(pid_of b) PC=$(pid_of c)
[ -n "$PA" ] && [ -n "$PB" ] && [ -n "$PC" ] || bail_out "the clients did not start"

NAMES=()
PIDS=()
# start_instance NAME AVOID ARGS...: one tcpconnlat, output in $TMP/NAME.
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
start_instance lport "" -t -L
start_instance json "" --json
start_instance pid "" -p "$PA"
start_instance min "" 500
start_instance ipv6 "" -6
start_instance raw_tp tp_btf -v
start_instance tracepoint tp_btf,raw_tp -v
start_instance perfbuf ringbuf -v

touch "$GO"
for c in a b c; do
	wait_for "$TMP/clients/$c" . 10 || fail "client $c: done" "$(cat "$TMP/clients/$c" 2>&1)"
done
sleep 0.3 # the last events reach every instance's poll loop
for i in "${!NAMES[@]}"; do
	TOOL_PID=${PIDS[$i]}
	stop_tool INT
	rc=$?
	[ "$rc" = 0 ] || fail "${NAMES[$i]}: exits 0 on SIGINT" "exit status $rc"
done

# field CLIENT ADDR PORT N: field N of that connect's line ("ok ADDR PORT LPORT USECS").
field() { awk -v a="$2" -v p="$3" -v n="$4" '$1 == "ok" && $2 == a && $3 == p { print $n }' "$TMP/clients/$1"; }
A4=$(field a 127.0.0.1 $P1 4) A4US=$(field a 127.0.0.1 $P1 5)
A6=$(field a ::1 $P1 4) A6US=$(field a ::1 $P1 5)
C4=$(field c 127.0.0.1 $P1 4) C4US=$(field c 127.0.0.1 $P1 5)
[ -n "$A4US" ] && [ -n "$A6US" ] && [ -n "$C4US" ] && [ -n "$(field b 127.0.0.1 $P2 4)" ] ||
	bail_out "the clients' connects failed: $(cat "$TMP"/clients/?)"

# lat_of FILE REGEX: the LAT(ms) of the one line matching REGEX, in microseconds.
lat_of() {
	local l
	l=$(grep -E -- "$2" "$1")
	[ "$(grep -c . <<<"$l")" = 1 ] || return 1
	awk '{ printf "%d\n", $NF * 1000 + 0.5 }' <<<"$l"
}
# within US LO HI: LO <= US <= HI.
within() { [ -n "$1" ] && [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]; }

header="PID     COMM         IP SADDR            DADDR            DPORT LAT(ms)"
if grep -qxF "$header" "$TMP/text"; then ok "header as upstream"
else fail "header as upstream" "$(head -1 "$TMP/text")"; fi

# Each connect once, with its PID, addresses and port, and a latency above 0
# and within the time its connect() took (shown rounded to 0.01 ms).
for c in "4 127\.0\.0\.1 $A4US" "6 ::1 $A6US"; do
	set -- $c
	re="^$PA +$NA +$1 +$2 +$2 +$P1 +[0-9]+\.[0-9]{2}$"
	us=$(lat_of "$TMP/text" "$re")
	name="IPv$1 connect shown once, latency > 0 and within connect()'s $3 us"
	if within "$us" 0 $(($3 + 10)) && [ "$(grep -E "$re" "$TMP/text" | awk '{ print ($NF > 0) }')" = 1 ]
	then ok "$name ($us us)"; else fail "$name" "$(grep -E " $NA " "$TMP/text" | tr '\n' '|')"; fi
done
name="a refused connect is not shown"
if ! grep -qE " $CLOSED +[0-9.]+$" "$TMP/text" && [ "$(grep -c " $NA " "$TMP/text")" = 2 ]; then ok "$name"
else fail "$name" "$(grep -E " $NA " "$TMP/text" | tr '\n' '|')"; fi

# The namespace's connect: its first SYN dropped, so ~1 s (the initial RTO), as connect() measured.
us=$(lat_of "$TMP/text" "^$PC +$NC +4 +127\.0\.0\.1 +127\.0\.0\.1 +$P1 ")
name="a connect whose first SYN was dropped takes the 1 s retransmission timeout"
if within "$us" 1000000 $((C4US + 10)) && [ "$C4US" -lt 1500000 ]; then ok "$name ($us us, connect() $C4US us)"
else fail "$name" "$us us, connect() took $C4US us: $(grep " $NC " "$TMP/text")"; fi

# -t -L: seconds and the local port each client saw.
name="-t -L: time and the exact local ports"
if grep -qE '^TIME\(s\) +PID +COMM +IP +SADDR +LPORT +DADDR +DPORT +LAT\(ms\)$' "$TMP/lport" &&
	grep -qE "^[0-9]+\.[0-9]{3} +$PA +$NA +4 +127\.0\.0\.1 +$A4 +127\.0\.0\.1 +$P1 " "$TMP/lport" &&
	grep -qE "^[0-9]+\.[0-9]{3} +$PA +$NA +6 +::1 +$A6 +::1 +$P1 " "$TMP/lport" &&
	grep -qE "^[0-9.]+ +$PC +$NC +4 +127\.0\.0\.1 +$C4 +127\.0\.0\.1 +$P1 " "$TMP/lport"
then ok "$name"; else fail "$name" "$(grep -E " ($NA|$NC) " "$TMP/lport" | tr '\n' '|')"; fi

# --json: parsed by jq; lat_us exact (not rounded) within connect()'s time.
name="--json: pid, comm, addresses, ports and lat_us of each connect"
got=$(jq -r --arg a "$NA" --arg c "$NC" 'select(.comm == $a or .comm == $c)
	| "\(.pid) \(.ip) \(.saddr) \(.daddr) \(.lport) \(.dport) \(.lat_us)"' "$TMP/json" 2>&1 | sort)
ok_json=1
for want in "$PA 4 127.0.0.1 127.0.0.1 $A4 $P1 $A4US" "$PA 6 ::1 ::1 $A6 $P1 $A6US" \
	"$PC 4 127.0.0.1 127.0.0.1 $C4 $P1 $C4US"; do
	set -- $want
	us=$(awk -v w="$1 $2 $3 $4 $5 $6" 'index($0, w " ") == 1 { print $7 }' <<<"$got")
	within "$us" 1 "$7" || ok_json=
done
if [ -n "$ok_json" ] && [ "$(wc -l <<<"$got")" = 3 ]; then ok "$name"; else fail "$name" "$(tr '\n' '|' <<<"$got")"; fi

# Filters: each shows its connects and hides the others.
# count FILE NAME: lines of that client.
count() { grep -cE "^([0-9.]+ +)?[0-9]+ +$2 " "$1"; }
only() {
	local f=$1 what=$2 n
	shift 2
	n="$(count "$f" "$NA") $(count "$f" "$NB") $(count "$f" "$NC")"
	if [ "$n" = "$*" ]; then ok "$what"; else fail "$what" "A, B, C lines: $n, want $*"; fi
}
only "$TMP/text" "no filter: A's 2 connects, B's and C's" 2 1 1
only "$TMP/pid" "-p PID: that process's connects only" 2 0 0
only "$TMP/min" "MIN_MS 500: the 1 s connect only" 0 0 1
only "$TMP/ipv6" "-6: IPv6 only" 1 0 0

check_fallback() {
	local name=$1 what=$2
	shift 2
	check_path "$what: taken" "$TMP/$name.err" "$@"
	only "$TMP/$name" "$what: shows the connects" 2 1 1
}
check_fallback raw_tp "BPFSCOPE_AVOID=tp_btf: raw_tp" kinds=raw_tp inet_sock_set_state=raw_tp
check_fallback tracepoint "BPFSCOPE_AVOID=tp_btf,raw_tp: classic tracepoint" \
	kinds=tracepoint inet_sock_set_state=tracepoint
check_fallback perfbuf "BPFSCOPE_AVOID=ringbuf: perf buffer" buffer=perfbuf \
	inet_sock_set_state=tp_btf

# Bad input: one line, status 2.
for args in "abc" "1." ".5" "-- -1" "1e3" "0x10" "1 2" "3600001" "-4 -6"; do
	"$BIN/$T" $args >"$TMP/o" 2>"$TMP/e"
	rc=$?
	if [ $rc = 2 ] && [ "$(wc -l <"$TMP/e")" = 1 ] && grep -q "^$T: " "$TMP/e" && [ ! -s "$TMP/o" ]
	then ok "'$args': one-line usage error"; else fail "'$args': one-line usage error" "rc=$rc $(cat "$TMP/e")"; fi
done

#!/bin/bash
# tcpsubnet: marked senders write random byte counts to loopback (IPv4 and
# IPv6) and, between two network namespaces of our own, to a veth subnet;
# every instance must count exactly those bytes for the subnet each goes to
# (the first that matches), in the unit asked for, and nothing from a decoy
# sender its filter excludes.
. "$(dirname "$0")/../lib.sh"
need ip jq

T=tcpsubnet
PY=/usr/bin/python3
PEER=$TOP/tests/integration/helpers/tcpsubnet_peer.py
id=$((RANDOM % 10000))$((RANDOM % 10000))
NS_A=bpfs-tsa-$id
NS_B=bpfs-tsb-$id
VETH_A=btsa$id
VETH_B=btsb$id
NET=198.18.$((RANDOM % 256)) # benchmarking range, only inside our namespaces
PORT=$(free_ports 1) || bail_out "a free port"
N_LO=$((200000 + RANDOM * 7))  # to 127.0.0.1
N_V6=$((100000 + RANDOM * 3))  # to ::1
N_NET=$((300000 + RANDOM * 5)) # to $NET.2 over the veth pair
N_MAP=$((10000 + RANDOM))      # to ::ffff:127.0.0.1 from an IPv6 socket: IPv4
N_DECOY=$((50000 + RANDOM))    # to 127.0.0.1 from a process -p leaves out
GO=$TMP/go

setup_namespaces() {
	ip netns add "$NS_A" || return 1
	on_exit ip netns del "$NS_A"
	ip netns add "$NS_B" || return 1
	on_exit ip netns del "$NS_B"
	ip link add "$VETH_A" netns "$NS_A" type veth peer name "$VETH_B" netns "$NS_B" &&
	ip -n "$NS_A" addr add "$NET.1/24" dev "$VETH_A" &&
	ip -n "$NS_B" addr add "$NET.2/24" dev "$VETH_B" &&
	ip -n "$NS_A" link set "$VETH_A" up &&
	ip -n "$NS_B" link set "$VETH_B" up
}
# bg CMD...: in the background, killed at exit; PID in BG.
bg() {
	"$@" >/dev/null 2>&1 &
	BG=$!
	on_exit kill -KILL "$BG"
}
setup_namespaces || skip_all "cannot create network namespaces and veth"
bg $PY "$PEER" server 127.0.0.1 "$PORT" "$TMP/ready.lo"
bg $PY "$PEER" server ::1 "$PORT" "$TMP/ready.v6"
bg ip netns exec "$NS_B" $PY "$PEER" server "$NET.2" "$PORT" "$TMP/ready.net"
for r in lo v6 net; do
	for ((i = 0; i < 100; i++)); do [ -e "$TMP/ready.$r" ] && break; sleep 0.05; done
	[ -e "$TMP/ready.$r" ] || bail_out "server $r did not start"
done
# The senders wait for $GO (-p needs their PIDs before the tools start).
bg $PY "$PEER" send "$GO" "127.0.0.1,$PORT,$N_LO" "::1,$PORT,$N_V6" \
	"::ffff:127.0.0.1,$PORT,$N_MAP"
S_LO=$BG
bg ip netns exec "$NS_A" $PY "$PEER" send "$GO" "$NET.2,$PORT,$N_NET"
S_NET=$BG
bg $PY "$PEER" send "$GO" "127.0.0.1,$PORT,$N_DECOY"
S_DECOY=$BG

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

MINE=$S_LO,$S_NET
LIST=$NET.0/24,127.0.0.0/8,127.0.0.1/32,::1/128
# One interval for the whole run: the partial one printed at SIGINT.
start_instance bytes "" -i 60 -p "$MINE" "$LIST"
start_instance json "" -i 60 -J -p "$MINE" "$LIST"
start_instance bits "" -i 60 -f b -p "$MINE" "$LIST"
start_instance kbytes "" -i 60 -f K --json -p "$MINE" "$LIST"
start_instance net "" -i 60 "$NET.0/24"
start_instance each "" -p "$MINE" "$LIST"
start_instance raw_tp tp_btf -v -i 60 -p "$MINE" "$LIST"
start_instance tracepoint tp_btf,raw_tp -v -i 60 -p "$MINE" "$LIST"

touch "$GO"
for p in $S_LO $S_NET $S_DECOY; do
	wait "$p" || fail "sender $p" "exit status $?"
done
sleep 1.2 # "each" prints the interval after the last send
for i in "${!NAMES[@]}"; do
	TOOL_PID=${PIDS[$i]}
	stop_tool INT
	rc=$?
	[ "$rc" = 0 ] || fail "${NAMES[$i]}: exits 0 on SIGINT" "exit status $rc"
done

# rows FILE: "SUBNET VALUE" summed over the file's intervals, by subnet.
rows() {
	awk '!/^\[/ && NF == 2 { v[$1] += $2 } END { for (s in v) print s, v[s] }' "$1" | sort
}
N_LO=$((N_LO + N_MAP)) # an IPv4-mapped destination counts as IPv4
want=$(printf '%s\n' "$NET.0/24 $N_NET" "127.0.0.0/8 $N_LO" "::1/128 $N_V6" | sort)
check_rows() {
	local got
	got=$(rows "$TMP/$1")
	if [ "$got" = "$want" ]; then ok "$1: $2"
	else fail "$1: $2" "want [$want] got [$got]"; fi
}
check "banner" grep -qx 'Tracing... Output every 60 secs. Hit Ctrl-C to end' "$TMP/bytes"
check "a [date time] line" grep -qE '^\[[0-9]{2}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}\]$' \
	"$TMP/bytes"
check_rows bytes "exact bytes per subnet, the first match (127.0.0.1/32 never), decoy left out"
got=$(grep -v '^\[' "$TMP/bytes" | grep -v '^Tracing' | awk '{ print $2 }' | tr '\n' ' ')
if [ "$got" = "$(echo "$N_NET $N_LO $N_V6" | tr ' ' '\n' | sort -rn | tr '\n' ' ')" ]
then ok "bytes: busiest first"; else fail "bytes: busiest first" "got $got"; fi
check_rows each "-i 1: the intervals add up to the same bytes"
check_rows raw_tp "raw_tp: exact bytes"
check_path "raw_tp: forced" "$TMP/raw_tp.err" sock_send_length=raw_tp
check_rows tracepoint "tracepoint: exact bytes"
check_path "tracepoint: forced" "$TMP/tracepoint.err" sock_send_length=tracepoint

# Without -p: the veth subnet sees our sender only (nobody else uses it).
got=$(rows "$TMP/net")
if [ "$got" = "$NET.0/24 $N_NET" ]; then ok "no filter: the veth subnet's bytes"
else fail "no filter: the veth subnet's bytes" "want $N_NET got [$got]"; fi

got=$(rows "$TMP/bits")
want_b=$(printf '%s\n' "$NET.0/24 $((N_NET * 8))" "127.0.0.0/8 $((N_LO * 8))" \
	"::1/128 $((N_V6 * 8))" | sort)
if [ "$got" = "$want_b" ]; then ok "-f b: bits"; else fail "-f b: bits" "want [$want_b] got [$got]"; fi

# -J: BCC's object per interval: date, time, entries by subnet.
if jq -e . "$TMP/json" >/dev/null 2>&1; then ok "-J: every line parses"
else fail "-J: every line parses" "$(head -c 200 "$TMP/json")"; fi
got=$(jq -r '.entries | to_entries[] | "\(.key) \(.value)"' "$TMP/json" | sort)
if [ "$got" = "$want" ]; then ok "-J: exact bytes per subnet"
else fail "-J: exact bytes per subnet" "want [$want] got [$got]"; fi
got=$(jq -r --arg s "$NET.0/24" '.entries[$s]' "$TMP/kbytes")
exp=$(awk -v n="$N_NET" 'BEGIN { printf "%.6f", n / 1024 }')
# Compared as numbers: JSON drops trailing zeros (359.72168 is 359.721680).
if awk -v a="$got" -v b="$exp" 'BEGIN { d = a - b; exit !(a != "" && d < 1e-6 && d > -1e-6) }'; then
	ok "-f K: KBytes"
else
	fail "-f K: KBytes" "want $exp got $got"
fi

# Bad input and a kernel with none of its hooks: one line, non-zero status.
for bad in 10.0.0.0 10.0.0.0/33 ::1/129 300.1.1.1/8 ""; do
	"$BIN/$T" "$bad" >/dev/null 2>"$TMP/bad.err"
	rc=$?
	if [ "$rc" = 2 ] && [ "$(wc -l <"$TMP/bad.err")" = 1 ]; then ok "subnet '$bad' rejected"
	else fail "subnet '$bad' rejected" "status $rc: $(cat "$TMP/bad.err")"; fi
done
"$BIN/$T" -f x >/dev/null 2>"$TMP/bad.err"
check "-f x rejected" test $? = 2
BPFSCOPE_AVOID=tp_btf,raw_tp,tracepoint,fexit,kprobe "$BIN/$T" >/dev/null 2>"$TMP/none.err"
rc=$?
if [ "$rc" != 0 ] && [ "$(wc -l <"$TMP/none.err")" = 1 ] && grep -q tcp_sendmsg "$TMP/none.err"
then ok "no hook: one line naming what is missing"
else fail "no hook: one line" "status $rc: $(cat "$TMP/none.err")"; fi

#!/bin/bash
# netqtop: two network namespaces joined by a veth pair with four queues on
# each end.  XPS sends a CPU's packets to one transmit queue, so datagrams of
# marked sizes sent from a pinned CPU land on known queues: netqtop (run in
# the namespace) must count exactly them, per queue and size class, sent and
# received.  A second veth pair gives a device of the same name to the other
# namespace: each netqtop counts its own namespace's device only.
. "$(dirname "$0")/../lib.sh"
# common-args: -n lo
need ip jq taskset

T=netqtop
[ -x "$BIN/$T" ] || skip_all "bin/$T is not built"
PY=/usr/bin/python3
[ -x "$PY" ] || skip_all "needs $PY"
UDP=$TOP/tests/integration/helpers/netqtop_udp.py
[ "$(nproc)" -ge 2 ] || skip_all "needs two CPUs (one transmit queue each, by XPS)"

id=$((RANDOM % 10000))$((RANDOM % 10000))
NS_A=bpfs-nqa-$id
NS_B=bpfs-nqb-$id
DEV=bnq$id       # in both namespaces: A's end of pair 1, B's end of pair 2
PEER1=bnp$id     # B's end of pair 1
PEER2=bnr$id     # A's end of pair 2
h=$((RANDOM % 100 + 10))
A1=192.0.2.$h B1=192.0.2.$((h + 100))
A2=198.51.100.$h B2=198.51.100.$((h + 100))
PORT=$(free_ports 1) || bail_out "a free port"

ina() { ip netns exec "$NS_A" "$@"; }
inb() { ip netns exec "$NS_B" "$@"; }

setup() {
	ip netns add "$NS_A" || return 1
	on_exit ip netns del "$NS_A"
	ip netns add "$NS_B" || return 1
	on_exit ip netns del "$NS_B"
	ip link add "$DEV" netns "$NS_A" numtxqueues 4 numrxqueues 4 type veth peer name "$PEER1" \
		netns "$NS_B" numtxqueues 4 numrxqueues 4 || return 1
	ip link add "$DEV" netns "$NS_B" type veth peer name "$PEER2" netns "$NS_A" || return 1
	for ns in "$NS_A" "$NS_B"; do
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 || return 1
		ip -n "$ns" link set lo up || return 1
	done
	ip -n "$NS_A" addr add "$A1/24" dev "$DEV" && ip -n "$NS_B" addr add "$B1/24" dev "$PEER1" &&
		ip -n "$NS_B" addr add "$B2/24" dev "$DEV" && ip -n "$NS_A" addr add "$A2/24" dev "$PEER2" &&
		ip -n "$NS_A" link set "$DEV" mtu 9000 && ip -n "$NS_B" link set "$PEER1" mtu 9000 &&
		ip -n "$NS_A" link set "$DEV" up && ip -n "$NS_B" link set "$PEER1" up &&
		ip -n "$NS_B" link set "$DEV" up && ip -n "$NS_A" link set "$PEER2" up || return 1
	# XPS: in A, CPU 0 sends on queue 1 and CPU 1 on queue 2; in B, CPU 0 on queue 3.
	ina sh -c "cd /sys/class/net/$DEV/queues && echo 0 >tx-0/xps_cpus && echo 1 >tx-1/xps_cpus &&
		echo 2 >tx-2/xps_cpus && echo 0 >tx-3/xps_cpus" &&
		inb sh -c "cd /sys/class/net/$PEER1/queues && echo 2 >tx-0/xps_cpus &&
		echo 0 >tx-1/xps_cpus && echo 0 >tx-2/xps_cpus && echo 1 >tx-3/xps_cpus"
}
setup || skip_all "cannot make network namespaces with multi-queue veth pairs and XPS"

# Sinks, so no datagram comes back as an ICMP error; then one datagram each way
# to settle ARP before anything is counted.
for spec in "$NS_A $A1" "$NS_B $B1" "$NS_A $A2" "$NS_B $B2"; do
	set -- $spec
	ip netns exec "$1" "$PY" "$UDP" sink "$2" "$PORT" &
	on_exit kill -KILL $!
done
sleep 0.3
ina "$PY" "$UDP" send "$B1" "$PORT" 1 10 && inb "$PY" "$UDP" send "$A1" "$PORT" 1 10 &&
	ina "$PY" "$UDP" send "$B2" "$PORT" 1 10 && inb "$PY" "$UDP" send "$A2" "$PORT" 1 10 ||
	bail_out "$T: workload" "cannot send between the namespaces"

NAMES=()
PIDS=()
# start_in NS NAME AVOID ARGS...: netqtop ARGS in namespace NS, output in $TMP/NAME.
start_in() {
	local ns=$1 name=$2 avoid=$3 out=$TMP/$2 i
	shift 3
	BPFSCOPE_READY_FILE=$out.ready BPFSCOPE_AVOID=$avoid ip netns exec "$ns" \
		env --default-signal=INT "$BIN/$T" "$@" >"$out" 2>"$out.err" &
	on_exit kill -KILL $!
	for ((i = 0; i < 200; i++)); do
		if [ -e "$out.ready" ]; then
			NAMES+=("$name")
			PIDS+=("$!")
			return 0
		fi
		kill -0 $! 2>/dev/null || break
		sleep 0.05
	done
	fail "$T $*: starts" "$(head -c 300 "$out.err")"
}

start_in "$NS_A" json "" -v --json -n "$DEV" -i 60
start_in "$NS_A" text "" -n "$DEV" -i 60
start_in "$NS_A" tput "" -t -n "$DEV" -i 60
start_in "$NS_A" raw_tp tp_btf -v --json -n "$DEV" -i 60
start_in "$NS_A" tracepoint tp_btf,raw_tp -v --json -n "$DEV" -i 60
start_in "$NS_B" other "" --json -n "$DEV" -i 60

# Marked traffic: counts and sizes at random, each size class its own.
N1=$((3 + RANDOM % 5)) P1=$((2100 + RANDOM % 2000))  # A, CPU 0: queue 1 of A's DEV
N2=$((3 + RANDOM % 5)) P2=$((4200 + RANDOM % 3000))  # A, CPU 1: queue 2
N3=$((3 + RANDOM % 5)) P3=$((7300 + RANDOM % 1500))  # B, CPU 0: received on queue 3
N4=$((3 + RANDOM % 5)) P4=$((600 + RANDOM % 800))    # over the other DEV (B's), both ways
ina taskset -c 0 "$PY" "$UDP" send "$B1" "$PORT" $N1 $P1 &&
	ina taskset -c 1 "$PY" "$UDP" send "$B1" "$PORT" $N2 $P2 &&
	inb taskset -c 0 "$PY" "$UDP" send "$A1" "$PORT" $N3 $P3 &&
	inb "$PY" "$UDP" send "$A2" "$PORT" $N4 $P4 &&
	ina "$PY" "$UDP" send "$B2" "$PORT" $N4 $P4 ||
	fail "$T: workload" "a sender failed"
sleep 0.3
status=
for i in "${!NAMES[@]}"; do
	TOOL_PID=${PIDS[$i]}
	stop_tool INT
	status="$status $?"
done
check "$T: every run stops on SIGINT with status 0" test -z "${status//[ 0]/}"

# q FILE DIR QUEUE FIELD: a queue's field in a --json run (one interval).
q() {
	jq -r -s --arg d "$2" --argjson q "$3" --arg f "$4" \
		'[.[][$d].queues[] | select(.queue == $q) | .[$f]] | add // "none"' "$TMP/$1" 2>/dev/null
}
tot() { jq -r -s --arg d "$2" --arg f "$3" '[.[][$d].total[$f]] | add // "none"' "$TMP/$1" 2>/dev/null; }
# near GOT WANT: GOT is WANT, or a little more (a stray ARP packet of the namespace's own).
near() { [ "$1" -ge "$2" ] 2>/dev/null && [ "$1" -le $(($2 + 200)) ]; }

# marked FILE: the marked datagrams on their queues, in their size classes, nothing more.
marked() {
	local f=$1
	[ "$(q "$f" tx 1 size_2k_16k)" = $N1 ] && [ "$(q "$f" tx 2 size_2k_16k)" = $N2 ] &&
		[ "$(tot "$f" tx size_2k_16k)" = $((N1 + N2)) ] &&
		[ "$(q "$f" rx 3 size_2k_16k)" = $N3 ] && [ "$(tot "$f" rx size_2k_16k)" = $N3 ] &&
		near "$(q "$f" tx 1 bytes)" $((N1 * (P1 + 42))) &&
		near "$(q "$f" tx 2 bytes)" $((N2 * (P2 + 42))) &&
		near "$(q "$f" rx 3 bytes)" $((N3 * (P3 + 28))) &&
		[ "$(tot "$f" tx size_512_2k)" = 0 ] && [ "$(tot "$f" rx size_512_2k)" = 0 ]
}
want="TX q1 $N1 x $((P1 + 42)) B, q2 $N2 x $((P2 + 42)) B; RX q3 $N3 x $((P3 + 28)) B"
dump() { jq -c '[.tx.queues[], .rx.queues[]] | map([.queue, .packets, .bytes, .size_512_2k, .size_2k_16k])' "$TMP/$1" 2>&1 | head -c 400; }
if marked json; then ok "--json: exactly the marked datagrams per queue and size class ($want)"
else fail "--json: exactly the marked datagrams per queue and size class ($want)" "$(dump json)"; fi
if jq -e -s --arg d "$DEV" 'length == 1 and (.[0] | .interface == $d and (.time | test("^[0-9:]{8}$")) and
	(.tx.queues | map(.queue)) == [0, 1, 2, 3] and (.rx.queues | map(.queue)) == [0, 1, 2, 3] and
	.tx.total.packets == (.tx.queues | map(.packets) | add) and
	(.tx.queues[1] | .avg_size * .packets - .bytes | fabs) < 0.01 and
	(.tx.queues[1] | has("bps") and has("pps") and has("size_0_64") and has("size_64k_up")))' \
	"$TMP/json" >/dev/null; then
	ok "--json: {time, interface, tx/rx: {queues: [0..3], total}} with packets, bytes, avg_size, sizes, bps, pps"
else
	fail "--json: the object's layout" "$(head -c 400 "$TMP/json")"
fi
check_path "$T takes tp_btf" "$TMP/json.err" kinds=tp_btf net_dev_start_xmit=tp_btf \
	netif_receive_skb=tp_btf
for name in raw_tp tracepoint; do
	check_path "BPFSCOPE_AVOID: $name taken" "$TMP/$name.err" kinds=$name \
		net_dev_start_xmit=$name netif_receive_skb=$name
	if marked $name; then ok "$name: exactly the marked datagrams"
	else fail "$name: exactly the marked datagrams" "$(dump $name)"; fi
done

# The same name in the other namespace is another device: its own traffic only.
if [ "$(tot other tx size_512_2k)" = $N4 ] && [ "$(tot other rx size_512_2k)" = $N4 ] &&
	[ "$(tot other tx size_2k_16k)" = 0 ] && [ "$(tot other rx size_2k_16k)" = 0 ]; then
	ok "-n in another namespace: that namespace's $DEV only ($N4 datagrams each way)"
else
	fail "-n in another namespace: that namespace's $DEV only" "$(dump other)"
fi

# Text: upstream's layout.
HDR=" QueueID    avg_size   [0, 64)    [64, 512)  [512, 2K)  [2K, 16K)  [16K, 64K)"
text_ok() {
	local f=$TMP/$1 hdr=$2 dashes=$3
	sed -n 1p "$f" | grep -qE '^[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8} [0-9]{4}$' &&
		[ "$(sed -n 2p "$f")" = TX ] && [ "$(sed -n 3p "$f")" = "$hdr" ] &&
		[ "$(grep -c '^ Total ' "$f")" = 2 ] && grep -qx RX "$f" &&
		[ "$(tail -n 1 "$f")" = "$(printf "%${dashes}s" | tr ' ' -)" ] &&
		grep -qE "^ 1 +[0-9.K]+ +[0-9]+ +[0-9]+ +0 +$N1 +0( |$)" "$f" &&
		grep -qE "^ 3 +[0-9.K]+ +[0-9]+ +[0-9]+ +0 +$N3 +0( |$)" "$f"
}
if text_ok text "$HDR" 77; then ok "text: time, TX and RX tables (QueueID avg_size [0, 64) ... [16K, 64K)), Total, 77 dashes"
else fail "text: upstream's layout" "$(head -c 700 "$TMP/text")"; fi
if text_ok tput "$HDR BPS        PPS" 95; then ok "-t: BPS and PPS columns, 95 dashes"
else fail "-t: BPS and PPS columns" "$(head -c 700 "$TMP/tput")"; fi

# Bad input: one line each.
errs() {
	local want=$1
	shift
	"$BIN/$T" "$@" >"$TMP/o" 2>"$TMP/e"
	rc=$?
	[ $rc = "$want" ] && [ "$(wc -l <"$TMP/e")" = 1 ] && grep -q "^$T: " "$TMP/e" && [ ! -s "$TMP/o" ]
}
check "$T without -n: a one-line usage error, status 2" errs 2
check "$T -n NOSUCHDEV: a one-line error, status 1" errs 1 -n "nq$id"
check "$T -i 0: a one-line usage error, status 2" errs 2 -n lo -i 0

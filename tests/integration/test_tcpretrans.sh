#!/bin/bash
# tcpretrans: packets dropped between two network namespaces of our own make
# the sender retransmit; every mode and every fallback must report exactly
# that flow (IPv4 and IPv6).
. "$(dirname "$0")/../lib.sh"
need ip nft python3

T=tcpretrans
HELPERS=$TOP/tests/integration/helpers
PEER=$HELPERS/tcpretrans_peer.py
JSON=$HELPERS/tcpretrans_json.py

# Names and addresses unique to this run: documentation ranges, only inside
# the namespaces made here.
id=$((RANDOM % 10000))$((RANDOM % 10000))
NS_A=bpfs-a-$id
NS_B=bpfs-b-$id
VETH_A=btra$id
VETH_B=btrb$id
h=$((RANDOM % 100 + 10))
A4=192.0.2.$h
B4=192.0.2.$((h + 100))
net6=2001:db8:$(printf %x $((RANDOM % 65536)))
A6=$net6::1
B6=$net6::2
PORT=$(free_ports 1) || bail_out "a free port"
NFT_TABLE=bpfs_tr_$id

setup_namespaces() {
	ip netns add "$NS_A" || return 1
	on_exit ip netns del "$NS_A"
	ip netns add "$NS_B" || return 1
	on_exit ip netns del "$NS_B"
	ip link add "$VETH_A" netns "$NS_A" type veth peer name "$VETH_B" netns "$NS_B" ||
		return 1
	ip -n "$NS_A" link set lo up &&
	ip -n "$NS_B" link set lo up &&
	ip -n "$NS_A" addr add "$A4/24" dev "$VETH_A" &&
	ip -n "$NS_B" addr add "$B4/24" dev "$VETH_B" &&
	ip -n "$NS_A" addr add "$A6/64" dev "$VETH_A" nodad &&
	ip -n "$NS_B" addr add "$B6/64" dev "$VETH_B" nodad &&
	ip -n "$NS_A" link set "$VETH_A" up &&
	ip -n "$NS_B" link set "$VETH_B" up
}

# Run in the background inside namespace $1; the process is killed at exit.
ns_spawn() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@" >/dev/null 2>&1 &
	on_exit kill -KILL "$!"
	disown "$!" # no "Killed" notice at clean-up
}

# start_instance NAME AVOID ARGS...: one tcpretrans in the background, output in
# $TMP/NAME, with BPFSCOPE_AVOID=AVOID (each instance tests one configuration).
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

stop_instances() {
	local i name rc
	for i in "${!NAMES[@]}"; do
		name=${NAMES[$i]}
		TOOL_PID=${PIDS[$i]}
		stop_tool INT
		rc=$?
		if [ "$rc" = 0 ]; then ok "$name: exits 0 on SIGINT"
		else fail "$name: exits 0 on SIGINT" "exit status $rc"; fi
	done
}

# $1 as a literal in an extended regular expression.
re() { sed 's/[].[]/\\&/g' <<<"$1"; }

# retransmit_episode FAMILY SRC DST: a client in A sends to the server in B
# while B drops everything from SRC, until tcpretrans shows a retransmit.
# Sets CPORT4 or CPORT6 to the client's port.
retransmit_episode() {
	local fam=$1 src=$2 dst=$3 portfile=$TMP/port.$1 i cport match
	local sel=ip

	[ "$fam" = 6 ] && sel=ip6
	ns_spawn "$NS_A" python3 "$PEER" client "$dst" "$PORT" "$portfile"
	for ((i = 0; i < 200; i++)); do
		[ -s "$portfile" ] && break
		sleep 0.05
	done
	cport=$(cat "$portfile" 2>/dev/null)
	if [ -z "$cport" ]; then
		fail "IPv$fam connection" "client could not connect to [$dst]:$PORT"
		return 1
	fi
	eval "CPORT$fam=$cport"
	sleep 0.3
	ip netns exec "$NS_B" nft -f - <<-EOF
		table inet $NFT_TABLE {
			chain input {
				type filter hook input priority 0;
				$sel saddr $src tcp dport $PORT drop
			}
		}
	EOF
	match=" $fam +$(re "$src:$cport") +R> $(re "$dst:$PORT") "
	wait_for "$TMP/text" "$match" 15
	ip netns exec "$NS_B" nft delete table inet "$NFT_TABLE"
}

setup_namespaces || skip_all "cannot create network namespaces and veth"
ns_spawn "$NS_B" python3 "$PEER" server "$B4" "$PORT"
ns_spawn "$NS_B" python3 "$PEER" server "$B6" "$PORT"

start_instance text ""
start_instance seq "" -s
start_instance json "" --json
start_instance count "" -c
start_instance countjson "" -c --json
start_instance ipv4 "" -4
start_instance ipv6 "" -6
start_instance raw_tp tp_btf -v
start_instance tracepoint tp_btf,raw_tp -v
start_instance perfbuf ringbuf -v
start_instance perfbuf_count ringbuf -c -v
TLP_OK=
if start_tool "$TMP/tlp_probe" "$T" -l; then
	TLP_OK=1
	stop_tool INT
	start_instance tlp "" -l
fi

retransmit_episode 4 "$A4" "$B4"
retransmit_episode 6 "$A6" "$B6"
sleep 0.5 # events of the last retransmits reach every instance's poll loop
stop_instances

# flow FAMILY: set SRC, DST and CPORT to our connection of that family.
flow() {
	if [ "$1" = 4 ]; then SRC=$A4 DST=$B4 CPORT=$CPORT4; else SRC=$A6 DST=$B6 CPORT=$CPORT6; fi
}

# flow_lines FILE FAMILY [TYPE]: the text lines showing our flow with type TYPE (R or L).
flow_lines() {
	local file=$1 fam=$2 type=${3:-R}
	flow "$fam"
	[ -n "$CPORT" ] || return 1
	grep -E "^[0-9]{2}:[0-9]{2}:[0-9]{2} +[0-9]+ +$fam +$(re "$SRC:$CPORT") +$type> " "$file" |
		grep -E " $(re "$DST:$PORT") "
}

# count_of FILE FAMILY: the -c total of our flow.
count_of() {
	flow "$2"
	sed -nE "s/^$(re "[$SRC]#$CPORT") +<-> $(re "[$DST]#$PORT") +([0-9]+)$/\1/p" "$1"
}

# Text: header, both flows with R> and ESTABLISHED, nothing else of ours.
header="TIME     PID     IP LADDR:LPORT          T> RADDR:RPORT          STATE"
if grep -qxF "$header" "$TMP/text"; then ok "text: BCC header"
else fail "text: BCC header" "$(head -2 "$TMP/text")"; fi
for fam in 4 6; do
	name="text: IPv$fam retransmits of our flow shown as R> ESTABLISHED"
	if flow_lines "$TMP/text" $fam | grep -q ' ESTABLISHED$'; then ok "$name"
	else fail "$name" "$(grep -F -e "$A4" -e "$A6" "$TMP/text" | head -3)"; fi
done
# (our port too: another test may use the same documentation addresses in its namespaces)
ours=$(grep -F -e " $A4:" -e " $B4:" -e " $A6:" -e " $B6:" "$TMP/text" | grep -c ":$PORT ")
exact=$( (flow_lines "$TMP/text" 4; flow_lines "$TMP/text" 6) | wc -l)
if [ "$ours" -gt 0 ] && [ "$ours" = "$exact" ]; then
	ok "text: every line with our addresses is exactly our flow ($ours lines)"
else
	fail "text: every line with our addresses is exactly our flow" "$ours vs $exact"
fi

# -s: a SEQ column with the sequence number.
if grep -qE '^TIME .* STATE +SEQ$' "$TMP/seq" &&
	flow_lines "$TMP/seq" 4 | grep -qE ' ESTABLISHED +[0-9]+$'; then
	ok "-s: sequence numbers shown"
else
	fail "-s: sequence numbers shown" "$(head -3 "$TMP/seq")"
fi

# -4 / -6: the family filter, in the kernel.
name="-4: shows the IPv4 flow, hides the IPv6 one"
if flow_lines "$TMP/ipv4" 4 >/dev/null && ! grep -qF "$net6" "$TMP/ipv4"; then ok "$name"
else fail "$name" "$(grep -F "$net6" "$TMP/ipv4" | head -2)"; fi
name="-6: shows the IPv6 flow, hides the IPv4 one"
if flow_lines "$TMP/ipv6" 6 >/dev/null && ! grep -qF -e " $A4:" -e " $B4:" "$TMP/ipv6"; then
	ok "$name"
else
	fail "$name" "$(grep -F "$A4" "$TMP/ipv6" | head -2)"
fi

# --json: valid JSON Lines with both flows.
for fam in 4 6; do
	flow $fam
	if why=$(python3 "$JSON" "$TMP/json" ip=$fam laddr="$SRC" lport="$CPORT" raddr="$DST" \
		rport=$PORT type=R state=ESTABLISHED 'seq>=0' 'pid>=0' 2>&1); then
		ok "--json: IPv$fam flow as a valid JSON object"
	else
		fail "--json: IPv$fam flow as a valid JSON object" "$why"
	fi
done

# -c: per-flow totals at the end, BCC layout and JSON.
if grep -qE '^LADDR:LPORT +RADDR:RPORT +RETRANSMITS$' "$TMP/count"; then ok "-c: header"
else fail "-c: header" "$(head -3 "$TMP/count")"; fi
for fam in 4 6; do
	flow $fam
	n=$(count_of "$TMP/count" $fam)
	if [ -n "$n" ] && [ "$n" -ge 1 ]; then ok "-c: IPv$fam flow counted ($n)"
	else fail "-c: IPv$fam flow counted" "$(grep -F "$SRC" "$TMP/count")"; fi
	if why=$(python3 "$JSON" "$TMP/countjson" ip=$fam laddr="$SRC" lport="$CPORT" \
		raddr="$DST" rport=$PORT 'retransmits>=1' tlps=0 2>&1); then
		ok "-c --json: IPv$fam flow counted"
	else
		fail "-c --json: IPv$fam flow counted" "$why"
	fi
done
if grep -qF "$A4" "$TMP/count" && ! grep -q ' R> ' "$TMP/count"; then
	ok "-c: totals only, no per-event lines"
else
	fail "-c: totals only, no per-event lines" "$(head -3 "$TMP/count")"
fi

# Fallbacks forced with BPFSCOPE_AVOID (-v names the hook and the event buffer:
# check_path, tests/lib.sh).
check_fallback() {
	local name=$1 what=$2
	shift 2
	check_path "$what: taken" "$TMP/$name.err" "$@"
	if flow_lines "$TMP/$name" 4 >/dev/null && flow_lines "$TMP/$name" 6 >/dev/null; then
		ok "$what: shows both flows"
	else
		fail "$what: shows both flows" "$(grep -v '^libbpf' "$TMP/$name.err" | head -2)"
	fi
}
check_fallback raw_tp "BPFSCOPE_AVOID=tp_btf: raw_tp" kinds=raw_tp tcp_retransmit_skb=raw_tp
check_fallback tracepoint "BPFSCOPE_AVOID=tp_btf,raw_tp: classic tracepoint" \
	kinds=tracepoint tcp_retransmit_skb=tracepoint
check_fallback perfbuf "BPFSCOPE_AVOID=ringbuf: perf buffer" buffer=perfbuf \
	tcp_retransmit_skb=tp_btf
# -c counts in a map and opens no event buffer: avoiding the ring buffer changes nothing.
check_path "BPFSCOPE_AVOID=ringbuf -c: no event buffer (counted in a map)" \
	"$TMP/perfbuf_count.err" buffer=none tcp_retransmit_skb=tp_btf
n=$(count_of "$TMP/perfbuf_count" 4)
if [ -n "$n" ] && [ "$n" -ge 1 ]; then ok "BPFSCOPE_AVOID=ringbuf: -c counts the flow ($n)"
else fail "BPFSCOPE_AVOID=ringbuf: -c counts the flow" "$(tail -3 "$TMP/perfbuf_count")"; fi

# -l: tail loss probes need fentry or kprobes on tcp_send_loss_probe.
if [ -n "$TLP_OK" ]; then
	ok "-l: starts where the kernel has a hook for tcp_send_loss_probe"
	if flow_lines "$TMP/tlp" 4 L >/dev/null || flow_lines "$TMP/tlp" 6 L >/dev/null; then
		ok "-l: tail loss probes of our flow shown as L>"
	else
		fail "-l: tail loss probes of our flow shown as L>" \
			"$(grep -cF "$A4" "$TMP/tlp") lines with our address"
	fi
else
	"$BIN/$T" -l >"$TMP/l.out" 2>"$TMP/l.err"
	rc=$?
	if [ $rc != 0 ] && [ "$(wc -l <"$TMP/l.err")" = 1 ] && [ ! -s "$TMP/l.out" ] &&
		grep -qE "^$T: .*tail loss probes.*tcp_send_loss_probe.*(kprobes|fentry)" \
			"$TMP/l.err"; then
		ok "-l: one-line error naming the missing hooks"
	else
		fail "-l: one-line error naming the missing hooks" "rc=$rc $(cat "$TMP/l.err")"
	fi
	skip "-l: L> lines" "this kernel has neither fentry nor kprobes for tcp_send_loss_probe"
fi

# Bad input.
"$BIN/$T" -4 -6 >"$TMP/o" 2>"$TMP/e"
rc=$?
if [ $rc = 2 ] && [ "$(wc -l <"$TMP/e")" = 1 ] && grep -q "^$T: " "$TMP/e"; then
	ok "-4 -6: one-line usage error"
else
	fail "-4 -6: one-line usage error" "rc=$rc $(cat "$TMP/e")"
fi

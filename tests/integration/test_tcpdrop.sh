#!/bin/bash
# tcpdrop: in a network namespace of our own, nftables drops SYNs to a marked
# port (NETFILTER_DROP) and a SYN to a closed port finds no socket (NO_SOCKET),
# over IPv4 and IPv6, every port chosen here; a closed-port SYN in the host's
# namespace is the drop the namespace filters must hide.  Every option and
# forced path is one instance of the tool, all watching the same drops.
. "$(dirname "$0")/../lib.sh"
need ip nft jq

T=tcpdrop
PY=/usr/bin/python3
CONNECT=$TOP/tests/integration/helpers/tcpdrop_connect.py
id=$((RANDOM % 10000))$((RANDOM % 10000))
NS=bpfs-drop-$id
NFT_TABLE=bpfs_drop_$id
# Ports unique to this run: the drops' destinations and the connecting sockets.
base=$(free_ports 15) || bail_out "15 free ports"
MARK=$base CLOSED=$((base + 1)) HOSTCLOSED=$((base + 2))
S_MARK4=$((base + 10)) S_CLOSED4=$((base + 11)) S_MARK6=$((base + 12)) S_CLOSED6=$((base + 13))
S_HOST=$((base + 14))

ip netns add "$NS" || skip_all "cannot create a network namespace"
on_exit ip netns del "$NS"
ip -n "$NS" link set lo up || bail_out "loopback up in the namespace" "ip failed"
ip netns exec "$NS" nft -f - <<-EOF2 || bail_out "nftables rule in the namespace" "nft failed"
	table inet $NFT_TABLE {
		chain input {
			type filter hook input priority 0;
			tcp dport $MARK drop
		}
	}
EOF2
# A process in the namespace, for --pid-netns.
ip netns exec "$NS" sleep 60 &
HOLDER=$!
on_exit kill -KILL $HOLDER
for ((i = 0; i < 100; i++)); do
	[ "$(stat -L -c %i /proc/$HOLDER/ns/net)" != "$(stat -L -c %i /proc/self/ns/net)" ] && break
	sleep 0.02
done
NETNS=$(stat -L -c %i /proc/$HOLDER/ns/net)

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
start_instance json "" --json --pid-netns $HOLDER
start_instance pidns "" --pid-netns $HOLDER
start_instance netnsid "" --netns-id "$NETNS"
start_instance ipv4 "" -4 --netns-id "$NETNS"
start_instance ipv6 "" -6 --netns-id "$NETNS"
start_instance raw tp_btf -v --netns-id "$NETNS"
start_instance tracepoint tp_btf,raw_tp -v --netns-id "$NETNS"
start_instance perfbuf ringbuf -v --netns-id "$NETNS"

ip netns exec "$NS" "$PY" "$CONNECT" 127.0.0.1 $S_MARK4 $MARK 127.0.0.1 $S_CLOSED4 $CLOSED \
	::1 $S_MARK6 $MARK ::1 $S_CLOSED6 $CLOSED &
"$PY" "$CONNECT" 127.0.0.1 $S_HOST $HOSTCLOSED
wait $!
wait_for "$TMP/text" ":$S_CLOSED6 +> ::1:$CLOSED " 5
sleep 0.3 # the other instances read the same events
for i in "${!NAMES[@]}"; do
	TOOL_PID=${PIDS[$i]}
	stop_tool INT
	rc=$?
	[ "$rc" = 0 ] || fail "${NAMES[$i]}: exits 0 on SIGINT" "exit status $rc"
done

# The rows of each drop: IP, source > destination, state and flags, reason.
R_MARK4=" 4 +127\.0\.0\.1:$S_MARK4 +> 127\.0\.0\.1:$MARK +- \(SYN\) +NETFILTER_DROP \([0-9]+\)$"
R_CLOSED4=" 4 +127\.0\.0\.1:$S_CLOSED4 +> 127\.0\.0\.1:$CLOSED +- \(SYN\) +NO_SOCKET \([0-9]+\)$"
R_MARK6=" 6 +::1:$S_MARK6 +> ::1:$MARK +- \(SYN\) +NETFILTER_DROP \([0-9]+\)$"
R_CLOSED6=" 6 +::1:$S_CLOSED6 +> ::1:$CLOSED +- \(SYN\) +NO_SOCKET \([0-9]+\)$"
R_HOST=" 4 +127\.0\.0\.1:$S_HOST +> 127\.0\.0\.1:$HOSTCLOSED +- \(SYN\) +NO_SOCKET \([0-9]+\)$"

# expect NAME FILE WANTED...: each R_ named shows once, the other drops of ours never.
expect() {
	local name=$1 file=$2 r want bad=
	shift 2
	for r in R_MARK4 R_CLOSED4 R_MARK6 R_CLOSED6 R_HOST; do
		want=0
		case " $* " in *" $r "*) want=1 ;; esac
		n=$(grep -cE "^[0-9]{2}:[0-9]{2}:[0-9]{2} +[0-9]+ +${!r#?}" "$file")
		# (at least once: a SYN the firewall drops may be sent again on a slow machine)
		if { [ "$want" = 1 ] && [ "$n" -lt 1 ]; } || { [ "$want" = 0 ] && [ "$n" != 0 ]; }; then
			bad+=" $r:$n"
		fi
	done
	if [ -z "$bad" ]; then ok "$name"
	else fail "$name" "rows (want $*):$bad; $(grep -E ":($MARK|$CLOSED|$HOSTCLOSED) " "$file" | head -3)"; fi
}

check "header: TIME PID IP SADDR:SPORT > DADDR:DPORT STATE (FLAGS) REASON (CODE)" \
	grep -qxE 'TIME +PID +IP +SADDR:SPORT +> DADDR:DPORT +STATE \(FLAGS\) +REASON \(CODE\)' \
	"$TMP/text"
expect "the firewalled and closed-port SYNs, IPv4 and IPv6, and the host's: exact ports, reasons" \
	"$TMP/text" R_MARK4 R_CLOSED4 R_MARK6 R_CLOSED6 R_HOST
check_path "best path: tp_btf, ring buffer" "$TMP/text.err" kinds=tp_btf kfree_skb=tp_btf \
	buffer=ringbuf
# The stack under a row: from the function that frees the packet to the caller that dropped it.
stack_of() { # FILE REGEX: the indented lines after the first row matching REGEX
	RE=$2 awk 'f && /^    / { print; next } f { exit } $0 ~ ENVIRON["RE"] { f = 1 }' "$1"
}
first=$(stack_of "$TMP/text" "${R_MARK4#?}" | head -1 | tr -d ' ')
if [ "$first" = sk_skb_reason_drop ] || [ "$first" = kfree_skb_reason ]; then
	ok "kernel stack under the row starts at the function that freed the packet ($first)"
else
	fail "kernel stack starts at the freeing function" "first frame: '$first'"
fi
check "the firewall drop's stack has nf_hook_slow" \
	grep -qx '    nf_hook_slow' <(stack_of "$TMP/text" "${R_MARK4#?}")
check "the IPv6 closed-port drop's stack has tcp_v6_rcv" \
	grep -qx '    tcp_v6_rcv' <(stack_of "$TMP/text" "${R_CLOSED6#?}")

expect "--pid-netns: the namespace's four drops, not the host's" "$TMP/pidns" \
	R_MARK4 R_CLOSED4 R_MARK6 R_CLOSED6
expect "--netns-id: the same" "$TMP/netnsid" R_MARK4 R_CLOSED4 R_MARK6 R_CLOSED6
expect "-4: the IPv4 drops only" "$TMP/ipv4" R_MARK4 R_CLOSED4
expect "-6: the IPv6 drops only" "$TMP/ipv6" R_MARK6 R_CLOSED6

got=$(jq -s --argjson s "$S_MARK6" --argjson d "$MARK" \
	'[.[] | select(.sport == $s and .dport == $d)] | length >= 1 and (.[0] | .ip == 6 and
	 .saddr == "::1" and .daddr == "::1" and .state == null and .flags == ["SYN"] and
	 .reason == "NETFILTER_DROP" and (.reason_code | type) == "number" and .pid >= 0 and
	 (.kernel_stack | index(["nf_hook_slow"]) != null))' "$TMP/json" 2>&1)
if [ "$got" = true ]; then ok "--json: the IPv6 firewall drop with flags, reason and kernel_stack"
else fail "--json: the IPv6 firewall drop" "$got: $(grep -F "\"sport\":$S_MARK6" "$TMP/json" | head -c 400)"; fi
code_text=$(grep -E "${R_CLOSED4#?}" "$TMP/text" | sed -nE 's/.*NO_SOCKET \(([0-9]+)\)$/\1/p' | head -1)
code_json=$(jq -r "select(.sport == $S_CLOSED4) | .reason_code" "$TMP/json" | head -1)
check "NO_SOCKET's code is the same in text and JSON ($code_text)" \
	test -n "$code_text" -a "$code_text" = "$code_json"

expect "BPFSCOPE_AVOID=tp_btf: the same drops" "$TMP/raw" R_MARK4 R_CLOSED4 R_MARK6 R_CLOSED6
check_path "BPFSCOPE_AVOID=tp_btf: raw_tp" "$TMP/raw.err" kinds=raw_tp kfree_skb=raw_tp
expect "BPFSCOPE_AVOID=tp_btf,raw_tp: the same drops" "$TMP/tracepoint" \
	R_MARK4 R_CLOSED4 R_MARK6 R_CLOSED6
check_path "BPFSCOPE_AVOID=tp_btf,raw_tp: classic tracepoint" "$TMP/tracepoint.err" \
	kinds=tracepoint kfree_skb=tracepoint
expect "BPFSCOPE_AVOID=ringbuf: the same drops" "$TMP/perfbuf" R_MARK4 R_CLOSED4 R_MARK6 R_CLOSED6
check_path "BPFSCOPE_AVOID=ringbuf: perf buffer" "$TMP/perfbuf.err" buffer=perfbuf \
	kfree_skb=tp_btf

# Bad input.
for args in "-4 -6" "--netns-id 0" "--netns-id 5 --pid-netns $$"; do
	"$BIN/$T" $args >"$TMP/o" 2>"$TMP/e"
	rc=$?
	if [ $rc = 2 ] && [ "$(wc -l <"$TMP/e")" = 1 ] && grep -q "^$T: " "$TMP/e"; then
		ok "$args: one-line usage error"
	else
		fail "$args: one-line usage error" "rc=$rc $(cat "$TMP/e")"
	fi
done

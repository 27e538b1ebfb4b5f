# tcpdrop in the guest: a SYN to a closed loopback port of ours is dropped
# with NO_SOCKET; each hook kind and buffer shows it with its ports, reason and
# stack (6.1: kfree_skb has three arguments, 6.12: four), all watching the same drop.
. /tests/lib.sh
port=$((20000 + $$ % 10000 + 2))

INSTANCES="best||kinds=tp_btf,kfree_skb=tp_btf,buffer=ringbuf
avoid=tp_btf|tp_btf|kinds=raw_tp,kfree_skb=raw_tp
avoid=tp_btf,raw_tp|tp_btf,raw_tp|kinds=tracepoint,kfree_skb=tracepoint
avoid=ringbuf|ringbuf|kfree_skb=tp_btf,buffer=perfbuf"
echo "$INSTANCES" >"$TMP/instances"
started=
n=0
while IFS='|' read -r path avoid want; do
	n=$((n + 1))
	if BPFSCOPE_AVOID=$avoid start_tool "$TMP/d$n" tcpdrop -v -4; then
		eval "pid_$n=$TOOL_PID"
		started="$started $n"
	else
		fail "tcpdrop [$path] starts" "$(tail -n 2 "$TMP/d$n.err")"
	fi
done <"$TMP/instances"

row="^[0-9:]{8} +[0-9]+ +4 +127\.0\.0\.1:[0-9]+ +> 127\.0\.0\.1:$port +- \(SYN\) +NO_SOCKET \([0-9]+\)\$"
nc 127.0.0.1 $port </dev/null >/dev/null 2>&1
for n in $started; do wait_for "$TMP/d$n" "$row" 5; done

n=0
while IFS='|' read -r path avoid want; do
	n=$((n + 1))
	case " $started " in *" $n "*) ;; *) continue ;; esac
	eval "TOOL_PID=\$pid_$n"
	stop_tool
	rc=$?
	# The row, then its stack: the freeing function first, tcp_v4_rcv in it.
	# (the regex through the environment: awk -v would process its backslashes)
	RE=$row awk 'f && /^    / { print; next } f { exit } $0 ~ ENVIRON["RE"] { f = 1 }' \
		"$TMP/d$n" >"$TMP/stack$n"
	first=$(head -n 1 "$TMP/stack$n" | tr -d ' ')
	if [ $rc = 0 ] && grep -qE "$row" "$TMP/d$n" && grep -qx '    tcp_v4_rcv' "$TMP/stack$n" &&
		{ [ "$first" = kfree_skb_reason ] || [ "$first" = sk_skb_reason_drop ]; }; then
		ok "tcpdrop [$path] shows the SYN to port $port, NO_SOCKET, stack from $first"
	else
		fail "tcpdrop [$path] shows the SYN to port $port" \
			"exit $rc, first frame '$first': $(grep -E ":$port " "$TMP/d$n" | head -n 2)"
	fi
	check_path "tcpdrop [$path] takes $want" "$TMP/d$n.err" $(echo "$want" | tr ',' ' ')
	matrix_line tcpdrop "$path" "$TMP/d$n.err"
done <"$TMP/instances"

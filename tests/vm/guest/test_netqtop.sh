# netqtop in the guest: a random number of pings of a marked size over lo, each
# request and reply sent and received once by lo, counted in their size class
# on each hook kind (tp_btf, raw_tp, the classic tracepoints).  Queues and the
# output forms are tested on the host.
# common-args: -n lo
. /tests/lib.sh
ip link set lo up
for path in best avoid=tp_btf avoid=tp_btf,raw_tp; do
	case $path in
	best) kind=tp_btf ;;
	avoid=tp_btf) kind=raw_tp ;;
	*) kind=tracepoint ;;
	esac
	n=$((3 + $(od -An -N1 -tu1 /dev/urandom) % 5))
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" netqtop -v --json -n lo -i 60; then
		fail "netqtop [$path] starts" "$(tail -n 3 "$TMP/out.err")"
		continue
	fi
	ping -q -c $n -i 0.2 -s 3000 127.0.0.1 >"$TMP/ping" 2>&1
	ping_rc=$?
	stop_tool
	rc=$?
	# The TX total, then the RX total: their [2K, 16K) counts.
	got=$(grep -o '"total":{[^}]*}' "$TMP/out" | sed -n 's/.*"size_2k_16k":\([0-9]*\),.*/\1/p' | tr '\n' ' ')
	if [ $ping_rc = 0 ] && [ $rc = 0 ] && [ "$got" = "$((2 * n)) $((2 * n)) " ]; then
		ok "netqtop [$path] counts the $n pings of 3000 bytes and their replies, sent and received"
	else
		fail "netqtop [$path] counts the $n pings of 3000 bytes and their replies" \
			"ping status $ping_rc, exit status $rc, got [$got]: $(head -c 300 "$TMP/out")"
	fi
	check_path "netqtop [$path] takes $kind" "$TMP/out.err" kinds=$kind \
		net_dev_start_xmit=$kind netif_receive_skb=$kind
	matrix_line netqtop "$path" "$TMP/out.err"
done

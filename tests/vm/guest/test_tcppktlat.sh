# tcppktlat in the guest: a loopback nc server stopped (SIGSTOP) while data
# arrives, continued 0.4 s later: its read shows with its PID, the port and a
# wait of at least 0.3 s, on each hook kind and buffer, all watching the same read.
. /tests/lib.sh
port=$((20000 + $$ % 10000 + 1))

INSTANCES="best||kinds=tp_btf,tcp_probe=tp_btf,buffer=ringbuf
avoid=tp_btf|tp_btf|kinds=raw_tp,tcp_probe=raw_tp,tcp_rcv_space_adjust=raw_tp,tcp_destroy_sock=raw_tp
avoid=ringbuf|ringbuf|tcp_probe=tp_btf,buffer=perfbuf"
echo "$INSTANCES" >"$TMP/instances"
started=
n=0
while IFS='|' read -r path avoid want; do
	n=$((n + 1))
	if BPFSCOPE_AVOID=$avoid start_tool "$TMP/p$n" tcppktlat -v -l $port; then
		eval "pid_$n=$TOOL_PID"
		started="$started $n"
	else
		fail "tcppktlat [$path] starts" "$(tail -n 2 "$TMP/p$n.err")"
	fi
done <"$TMP/instances"

# (its input held open: busybox nc ends the connection when its input ends)
sleep 4 | nc -l -p $port >/dev/null &
srv=$!
sleep 0.3
{ sleep 0.6; echo bpfscope-tcppktlat; sleep 1.5; } | nc 127.0.0.1 $port >/dev/null &
cli=$!
sleep 0.3
kill -STOP $srv # connected; the data arrives while the server cannot read
sleep 0.7
kill -CONT $srv
for n in $started; do wait_for "$TMP/p$n" " $port " 5; done
kill $cli $srv 2>/dev/null
wait $cli $srv 2>/dev/null

n=0
while IFS='|' read -r path avoid want; do
	n=$((n + 1))
	case " $started " in *" $n "*) ;; *) continue ;; esac
	eval "TOOL_PID=\$pid_$n"
	stop_tool
	rc=$?
	# (busybox nc listens on IPv6: the addresses are IPv4-mapped)
	ms=$(sed -nE "s/^$srv +$srv +nc +(::ffff:)?127\.0\.0\.1 +$port +(::ffff:)?127\.0\.0\.1 +[0-9]+ +([0-9.]+)\$/\3/p" \
		"$TMP/p$n" | head -n 1)
	if [ $rc = 0 ] && [ -n "$ms" ] && awk -v m="$ms" 'BEGIN { exit !(m >= 300) }'; then
		ok "tcppktlat [$path] shows the stopped server's read: its PID, port, ${ms} ms"
	else
		fail "tcppktlat [$path] shows the stopped server's read" \
			"exit $rc, pid $srv, ms '$ms': $(tail -n 3 "$TMP/p$n")"
	fi
	check_path "tcppktlat [$path] takes $want" "$TMP/p$n.err" $(echo "$want" | tr ',' ' ')
	matrix_line tcppktlat "$path" "$TMP/p$n.err"
done <"$TMP/instances"

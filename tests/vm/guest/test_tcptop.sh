# tcptop in the guest: a loopback transfer of a random size between two busybox
# nc processes (stopped until tcptop -p is attached), counted for each on
# every hook kind this kernel has: the sock_*_length tracepoints (Linux 6.3)
# as tp_btf, raw_tp and tracepoint, then tcp_sendmsg/tcp_cleanup_rbuf through
# fexit/fentry, then kprobes (which count the size each send asked for).
. /tests/lib.sh
ip link set lo up
if [ -d /sys/kernel/tracing/events/sock/sock_send_length ] ||
	[ -d /sys/kernel/debug/tracing/events/sock/sock_send_length ] ||
	grep -q sock_send_length /proc/kallsyms; then
	PATHS="best avoid=tp_btf avoid=tp_btf,raw_tp avoid=tp_btf,raw_tp,tracepoint avoid=tp_btf,raw_tp,tracepoint,fentry,fexit"
else
	PATHS="best avoid=fentry,fexit"
fi
port=$((30000 + $$ % 10000))
for path in $PATHS; do
	case $path in
	best) want="kinds=tp_btf sock_send_length=tp_btf sock_recv_length=tp_btf" ;;
	avoid=tp_btf) want="kinds=raw_tp sock_send_length=raw_tp sock_recv_length=raw_tp" ;;
	avoid=tp_btf,raw_tp) want="kinds=tracepoint sock_send_length=tracepoint sock_recv_length=tracepoint" ;;
	*fexit) want="tcp_sendmsg=kprobe tcp_cleanup_rbuf=kprobe" ;;
	*) want="tcp_sendmsg=fexit tcp_cleanup_rbuf=fentry" ;;
	esac
	[ "$PATHS" = "best avoid=fentry,fexit" ] && [ $path = best ] &&
		want="tcp_sendmsg=fexit tcp_cleanup_rbuf=fentry"
	port=$((port + 1))
	n=$((200000 + $(od -An -N2 -tu2 /dev/urandom)))
	head -c $n /dev/zero >"$TMP/data"
	# The server's input is a FIFO held open by fd 3 (busybox nc -l ends when its input does).
	rm -f "$TMP/srv.in"
	mkfifo "$TMP/srv.in"
	sh -c 'kill -STOP $$; exec nc -l -p "$1"' _ $port <"$TMP/srv.in" >"$TMP/recv" &
	srv=$!
	exec 3>"$TMP/srv.in"
	sh -c 'kill -STOP $$; exec nc 127.0.0.1 "$1" <"$2"' _ $port "$TMP/data" &
	cli=$!
	for p in $srv $cli; do
		i=0
		while [ "$(sed 's/.*) //' /proc/$p/stat | cut -d' ' -f1)" != T ] && [ $i -lt 100 ]; do
			sleep 0.05
			i=$((i + 1))
		done
	done
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" tcptop -v --json -p $srv,$cli 60; then
		fail "tcptop [$path] starts" "$(tail -n 3 "$TMP/out.err")"
		kill -KILL $srv $cli
		exec 3>&-
		continue
	fi
	kill -CONT $srv
	sleep 0.3
	kill -CONT $cli
	wait $cli
	wait $srv
	exec 3>&-
	sleep 0.2
	stop_tool
	rc=$?
	rows=$(grep -o '{"pid":[0-9]*,[^}]*}' "$TMP/out")
	sent=$(echo "$rows" | sed -n 's/^{"pid":'$cli',.*"rport":'$port',.*"tx_bytes":\([0-9]*\)}$/\1/p' | head -n 1)
	got=$(echo "$rows" | sed -n 's/^{"pid":'$srv',.*"lport":'$port',.*"rx_bytes":\([0-9]*\),.*/\1/p' | head -n 1)
	recv=$(wc -c <"$TMP/recv")
	if [ $rc = 0 ] && [ "$recv" = $n ] && [ "${sent:-0}" -ge $n ] && [ "${sent:-0}" -le $((n + n / 50)) ] &&
		[ "${got:-0}" -ge $n ] && [ "${got:-0}" -le $((n + n / 50)) ]; then
		ok "tcptop [$path] counts the $n bytes sent and received (sent $sent, received $got)"
	else
		fail "tcptop [$path] counts the $n bytes sent and received" \
			"exit status $rc, server got $recv, sent ${sent:-none}, received ${got:-none}: $(head -c 400 "$TMP/out")"
	fi
	check_path "tcptop [$path] takes $want" "$TMP/out.err" $want
	matrix_line tcptop "$path" "$TMP/out.err"
done

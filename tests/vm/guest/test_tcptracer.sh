# tcptracer in the guest: a loopback connection between two busybox nc, whose
# connect, accept and both closes must show with the right PIDs and ports on
# every hook kind and buffer, all instances watching the same connection.
# The client shuts its side down when its input ends and closes once the
# server has closed: its close is of a socket the kernel had closed
# (tcp_destroy_sock).  busybox nc listens on IPv6: the server's side shows
# IPv4-mapped addresses.
. /tests/lib.sh
port=$((20000 + $$ % 10000))

# NAME|AVOID|WANT (check_path)
INSTANCES="best||inet_sock_set_state=tp_btf tcp_destroy_sock=tp_btf sys_exit_accept4=tracepoint buffer=ringbuf
tp_btf|tp_btf|inet_sock_set_state=raw_tp tcp_destroy_sock=raw_tp sys_exit_accept4=tracepoint
tracepoint|tp_btf,raw_tp|inet_sock_set_state=tracepoint tcp_destroy_sock=tracepoint sys_exit_accept4=tracepoint
rawsys|tracepoint|inet_sock_set_state=tp_btf tcp_destroy_sock=tp_btf sys_exit=raw_tp
ringbuf|ringbuf|inet_sock_set_state=tp_btf buffer=perfbuf"
path_of() { if [ -n "$1" ]; then echo "avoid=$1"; else echo best; fi; }

started=
echo "$INSTANCES" >"$TMP/instances"
while IFS='|' read -r name avoid want; do
	if BPFSCOPE_AVOID=$avoid start_tool "$TMP/$name" tcptracer -v; then
		eval "pid_$name=$TOOL_PID"
		started="$started $name"
	else
		fail "tcptracer [$(path_of "$avoid")] starts" "$(tail -n 2 "$TMP/$name.err")"
	fi
done <"$TMP/instances"

# Server and client read fifos we hold open: closing the client's input ends
# the client (its close first), then the server (on the end of the stream).
mkfifo "$TMP/srv.in" "$TMP/cli.in"
nc -l -p $port <"$TMP/srv.in" >/dev/null &
srv=$!
exec 3>"$TMP/srv.in"
sleep 0.3
nc 127.0.0.1 $port <"$TMP/cli.in" >/dev/null &
cli=$!
exec 4>"$TMP/cli.in"
sleep 0.3
exec 4>&-
wait $cli
wait $srv
exec 3>&-
sleep 0.3

L="4 +127\.0\.0\.1 +127\.0\.0\.1"
M="(4 +127\.0\.0\.1 +127\.0\.0\.1|6 +::ffff:127\.0\.0\.1 +::ffff:127\.0\.0\.1)"
while IFS='|' read -r name avoid want; do
	case " $started " in *" $name "*) ;; *) continue ;; esac
	eval "TOOL_PID=\$pid_$name"
	stop_tool
	rc=$?
	path=$(path_of "$avoid")
	f=$TMP/$name
	cport=$(grep -E "^C +$cli +[^ ]+ +$L +[0-9]+ +$port\$" "$f" | awk '{ print $(NF-1) }')
	if [ $rc = 0 ] && [ -n "$cport" ] &&
		grep -qE "^A +$srv +[^ ]+ +$M +$port +$cport\$" "$f" &&
		grep -qE "^X +$cli +[^ ]+ +$L +$cport +$port\$" "$f" &&
		grep -qE "^X +$srv +[^ ]+ +$M +$port +$cport\$" "$f"; then
		ok "tcptracer [$path] shows connect, accept and both closes with their PIDs"
	else
		fail "tcptracer [$path] shows connect, accept and both closes" \
			"exit status $rc, client $cli server $srv: $(grep " $port" "$f" | head -n 4)"
	fi
	check_path "tcptracer [$path] takes $want" "$f.err" $want
	matrix_line tcptracer "$path" "$f.err"
done <"$TMP/instances"

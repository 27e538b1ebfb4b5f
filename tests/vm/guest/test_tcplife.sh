# tcplife in the guest: a loopback session between two busybox nc, the client
# sending 5000 bytes and holding the session 0.3 s from its ESTABLISHED on,
# seen by one instance per path (each hook kind and event buffer;
# avoid=tracepoint: the accept() exits through raw_syscalls), all started at
# once: each must show both sides with their PIDs, ports and bytes.
. /tests/lib.sh
port=$((20000 + $$ % 10000))
T=tcplife
# NAME|AVOID|what check_path must find
INSTANCES="best||inet_sock_set_state=tp_btf sys_exit_accept4=tracepoint buffer=ringbuf
tp_btf|tp_btf|inet_sock_set_state=raw_tp buffer=ringbuf
raw_tp|tp_btf,raw_tp|inet_sock_set_state=tracepoint buffer=ringbuf
tracepoint|tracepoint|inet_sock_set_state=tp_btf sys_exit=raw_tp buffer=ringbuf
ringbuf|ringbuf|inet_sock_set_state=tp_btf buffer=perfbuf"
path_of() { if [ -n "$1" ]; then echo "avoid=$1"; else echo best; fi; }

echo "$INSTANCES" >"$TMP/instances"
while IFS='|' read -r name avoid want; do
	BPFSCOPE_AVOID=$avoid BPFSCOPE_READY_FILE=$TMP/$name.ready sigdfl $T -v \
		>"$TMP/$name" 2>"$TMP/$name.err" &
	eval "pid_$name=$!"
done <"$TMP/instances"
i=0
while [ $i -lt 600 ]; do
	n=0
	while IFS='|' read -r name avoid want; do [ -e "$TMP/$name.ready" ] && n=$((n + 1)); done <"$TMP/instances"
	[ $n = $(grep -c . "$TMP/instances") ] && break
	sleep 0.1
	i=$((i + 1))
done

# The server's input is held open by fd 3 (busybox nc ends a connection when
# its input ends); the client's ends after 5000 bytes and 0.3 s from its
# connection's ESTABLISHED (remote port $port, state 01) in /proc/net/tcp.
hexport=$(printf '%04X' $port)
established() {
	awk -v p=":$hexport" '$4 == "01" && substr($3, length($3) - 4) == p { f = 1 } END { exit !f }' \
		/proc/net/tcp /proc/net/tcp6
}
mkfifo "$TMP/srv.in"
nc -l -p $port <"$TMP/srv.in" >"$TMP/recv" &
spid=$!
exec 3>"$TMP/srv.in"
i=0
while ! netstat -tln | grep -q ":$port " && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
{
	head -c 5000 /dev/zero
	i=0
	until established || [ $i -ge 100 ]; do sleep 0.05; i=$((i + 1)); done
	sleep 0.3
} | nc 127.0.0.1 $port >/dev/null &
cpid=$!
wait $cpid
exec 3>&-
wait $spid
sleep 0.5

while IFS='|' read -r name avoid want; do
	eval "TOOL_PID=\$pid_$name"
	path=$(path_of "$avoid")
	if [ ! -e "$TMP/$name.ready" ]; then
		kill -KILL $TOOL_PID 2>/dev/null
		fail "$T [$path] starts" "$(tail -n 2 "$TMP/$name.err")"
		continue
	fi
	stop_tool
	rc=$?
	# Client: 5000 bytes sent (+ SYN and FIN acknowledged: 4.88 KB), held 300 ms from ESTABLISHED on.
	c=$(awk -v p=$cpid -v port=$port '$1 == p && $3 == "127.0.0.1" && $6 == port &&
		$7 == "4.88" && $8 == "0.00" && $9 >= 250' "$TMP/$name")
	s=$(awk -v p=$spid -v port=$port '$1 == p && $4 == port && $7 == "0.00" && $8 == "4.88"' \
		"$TMP/$name")
	if [ $rc = 0 ] && [ -n "$c" ] && [ -n "$s" ]; then
		ok "$T [$path] shows both sides with their PIDs, ports and bytes"
	else
		fail "$T [$path] shows both sides with their PIDs, ports and bytes" \
			"exit status $rc, client $cpid, server $spid: $(grep " $port " "$TMP/$name" | head -n 3)"
	fi
	check_path "$T [$path] takes $want" "$TMP/$name.err" $want
	matrix_line $T "$path" "$TMP/$name.err"
done <"$TMP/instances"

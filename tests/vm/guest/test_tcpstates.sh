# tcpstates in the guest: a loopback session between two busybox nc, the
# client sending 5000 bytes and closing first, seen by one instance per path
# (each hook kind and event buffer), all started at once: each must show the
# client socket's exact states, with connect() in the client's PID.
. /tests/lib.sh
port=$((20000 + $$ % 10000))
T=tcpstates
# NAME|AVOID|what check_path must find
INSTANCES="best||kinds=tp_btf buffer=ringbuf
tp_btf|tp_btf|inet_sock_set_state=raw_tp buffer=ringbuf
raw_tp|tp_btf,raw_tp|inet_sock_set_state=tracepoint buffer=ringbuf
ringbuf|ringbuf|inet_sock_set_state=tp_btf buffer=perfbuf"
path_of() { if [ -n "$1" ]; then echo "avoid=$1"; else echo best; fi; }

echo "$INSTANCES" >"$TMP/instances"
while IFS='|' read -r name avoid want; do
	BPFSCOPE_AVOID=$avoid BPFSCOPE_READY_FILE=$TMP/$name.ready sigdfl $T -v -D $port \
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
# its input ends); the client's ends after 5000 bytes.
mkfifo "$TMP/srv.in"
nc -l -p $port <"$TMP/srv.in" >"$TMP/recv" &
spid=$!
exec 3>"$TMP/srv.in"
i=0
while ! netstat -tln | grep -q ":$port " && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
head -c 5000 /dev/zero | nc 127.0.0.1 $port >/dev/null &
cpid=$!
wait $cpid
exec 3>&-
wait $spid
sleep 0.5

want_seq="CLOSE>SYN_SENT SYN_SENT>ESTABLISHED ESTABLISHED>FIN_WAIT1 FIN_WAIT1>FIN_WAIT2 FIN_WAIT2>CLOSE"
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
	# -D port: the client's socket only; its connect() in the client's process.
	seq=$(awk -v port=$port '$7 == port && $9 == "->" { s = s (s ? " " : "") $8 ">" $10 }
		END { print s }' "$TMP/$name")
	first=$(awk -v p=$cpid -v port=$port '$2 == p && $5 == 0 && $7 == port &&
		$8 == "CLOSE" && $10 == "SYN_SENT"' "$TMP/$name")
	# The perf buffer is per CPU: changes made on two CPUs may come out of
	# order (the close on one, the peer's ACK on the other). The same set then.
	if [ "$avoid" = ringbuf ]; then
		seq=$(echo "$seq" | tr ' ' '\n' | sort | tr '\n' ' ')
		must=$(echo "$want_seq" | tr ' ' '\n' | sort | tr '\n' ' ')
	else
		must=$want_seq
	fi
	if [ $rc = 0 ] && [ "$seq" = "$must" ] && [ -n "$first" ]; then
		ok "$T [$path] shows the client's states, connect() by PID $cpid"
	else
		fail "$T [$path] shows the client's states, connect() by PID $cpid" \
			"exit status $rc: '$seq'; $(head -n 3 "$TMP/$name")"
	fi
	check_path "$T [$path] takes $want" "$TMP/$name.err" $want
	matrix_line $T "$path" "$TMP/$name.err"
done <"$TMP/instances"

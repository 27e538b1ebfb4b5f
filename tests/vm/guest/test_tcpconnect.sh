# tcpconnect in the guest: a marked nc connects to a listener on loopback and
# another to a closed port, seen by one instance per path: each hook kind and
# buffer, and with -L (the local port) fexit on tcp_v4/v6_connect, else
# kprobes and kretprobes on them, else the connect() exit tracepoint, else
# raw_syscalls.
. /tests/lib.sh
port=$((20000 + $$ % 10000))
closed=$((port + 1))
ip link set lo up

# NAME|AVOID|WANT(check_path, comma separated)|ARGS
INSTANCES="best||kinds=tp_btf,buffer=ringbuf|
tp_btf|tp_btf|kinds=raw_tp,inet_sock_set_state=raw_tp|
tracepoint|tp_btf,raw_tp|kinds=tracepoint,inet_sock_set_state=tracepoint|
ringbuf|ringbuf|inet_sock_set_state=tp_btf,buffer=perfbuf|
L_best||kinds=fexit,tcp_v4_connect=fexit,tcp_v6_connect=fexit|-L
L_fexit|fexit|kinds=kprobe+kretprobe,tcp_v4_connect=kprobe,tcp_v6_connect=kprobe|-L
L_kprobe|fexit,kprobe|inet_sock_set_state=tp_btf,sys_exit_connect=tracepoint|-L
L_tracepoint|fexit,kprobe,tracepoint|inet_sock_set_state=tp_btf,sys_exit=raw_tp|-L"
row() { case $1 in L_*) echo "-L,$(path_of "$2")" ;; *) path_of "$2" ;; esac; }
path_of() { if [ -n "$1" ]; then echo "avoid=$1"; else echo best; fi; }

started=
echo "$INSTANCES" >"$TMP/instances"
while IFS='|' read -r name avoid want args; do
	if BPFSCOPE_AVOID=$avoid start_tool "$TMP/$name" tcpconnect -v $args; then
		eval "pid_$name=$TOOL_PID"
		started="$started $name"
	else
		fail "tcpconnect [$(row "$name" "$avoid")] starts" "$(tail -n 2 "$TMP/$name.err")"
	fi
done <"$TMP/instances"

# A persistent listener (one /bin/true per connection), then the marked clients.
nc -ll -p $port -e /bin/true &
srv=$!
i=0
while [ $i -lt 50 ] && ! netstat -tln | grep -q ":$port "; do sleep 0.1; i=$((i + 1)); done
sh -c 'echo $$ >"$1"; exec nc -w 2 127.0.0.1 "$2" </dev/null' _ "$TMP/pid" $port >/dev/null
sh -c 'echo $$ >"$1"; exec nc -w 2 127.0.0.1 "$2" </dev/null' _ "$TMP/pid.x" $closed \
	>/dev/null 2>&1
pid=$(cat "$TMP/pid") xpid=$(cat "$TMP/pid.x")
for name in $started; do wait_for "$TMP/$name" " $closed\$" 5; done
kill $srv 2>/dev/null
wait $srv 2>/dev/null

while IFS='|' read -r name avoid want args; do
	case " $started " in *" $name "*) ;; *) continue ;; esac
	eval "TOOL_PID=\$pid_$name"
	stop_tool
	rc=$?
	path=$(row "$name" "$avoid")
	lp=
	case $name in L_*) lp="[1-9][0-9]* +" ;; esac
	if [ $rc = 0 ] && grep -qE "^$pid +nc +4 +127\.0\.0\.1 +${lp}127\.0\.0\.1 +$port\$" "$TMP/$name" &&
		grep -qE "^$xpid +nc +4 +127\.0\.0\.1 +${lp}127\.0\.0\.1 +$closed\$" "$TMP/$name"; then
		ok "tcpconnect [$path] shows the marked connects with their PIDs"
	else
		fail "tcpconnect [$path] shows the marked connects with their PIDs" \
			"exit status $rc, pids $pid $xpid: $(grep -v "^PID" "$TMP/$name" | head -n 4 | tr "\n" "|")"
	fi
	want=$(echo "$want" | tr ',' ' ')
	check_path "tcpconnect [$path] takes $want" "$TMP/$name.err" $want
	matrix_line tcpconnect "$path" "$TMP/$name.err"
done <"$TMP/instances"

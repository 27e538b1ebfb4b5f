# tcpsubnet in the guest: bytes a busybox nc sends over loopback, counted
# exactly on every hook: sock_send_length (6.3+) as tp_btf, raw_tp or
# tracepoint, else tcp_sendmsg via fexit (bytes sent) or kprobe (bytes asked).
. /tests/lib.sh
port=$((20000 + $$ % 10000))
n=$((100000 + $$ % 50000))

target() { case $1 in fexit | kprobe) echo tcp_sendmsg ;; *) echo sock_send_length ;; esac; }
# 6.1 has no sock_send_length: its best is fexit, the next kprobe.
case $KERNEL in
6.1.*) INSTANCES="best||fexit
kprobe|tp_btf,raw_tp,tracepoint,fexit|kprobe" ;;
*) INSTANCES="best||tp_btf
tp_btf|tp_btf|raw_tp
tracepoint|tp_btf,raw_tp|tracepoint
fexit|tp_btf,raw_tp,tracepoint|fexit
kprobe|tp_btf,raw_tp,tracepoint,fexit|kprobe" ;;
esac
path_of() { if [ -n "$1" ]; then echo "avoid=$1"; else echo best; fi; }

started=
echo "$INSTANCES" >"$TMP/instances"
while IFS='|' read -r name avoid kind; do
	if BPFSCOPE_AVOID=$avoid start_tool "$TMP/$name" tcpsubnet -v -i 60 127.0.0.0/8; then
		eval "pid_$name=$TOOL_PID"
		started="$started $name"
	else
		fail "tcpsubnet [$(path_of "$avoid")] starts" "$(tail -n 2 "$TMP/$name.err")"
	fi
done <"$TMP/instances"

# The server's input: a fifo held open (at the end of its input busybox nc
# would end the connection).
mkfifo "$TMP/srv.in"
nc -l -p $port <"$TMP/srv.in" >/dev/null &
srv=$!
exec 3>"$TMP/srv.in"
sleep 0.3
head -c $n /dev/zero | nc 127.0.0.1 $port || fail "tcpsubnet: nc sends $n bytes" "status $?"
wait $srv
exec 3>&-

while IFS='|' read -r name avoid kind; do
	case " $started " in *" $name "*) ;; *) continue ;; esac
	eval "TOOL_PID=\$pid_$name"
	stop_tool
	rc=$?
	path=$(path_of "$avoid")
	got=$(awk '$1 == "127.0.0.0/8" { s += $2 } END { print s + 0 }' "$TMP/$name")
	if [ $rc = 0 ] && [ "$got" = "$n" ]; then
		ok "tcpsubnet [$path] counts the $n bytes sent"
	else
		fail "tcpsubnet [$path] counts the $n bytes sent" "exit status $rc, got $got"
	fi
	check_path "tcpsubnet [$path] takes $kind" "$TMP/$name.err" "$(target "$kind")=$kind"
	matrix_line tcpsubnet "$path" "$TMP/$name.err"
done <"$TMP/instances"

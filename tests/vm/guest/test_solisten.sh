# solisten in the guest: a listening nc on a port of ours, seen with its PID,
# port and protocol by one instance per path (the exit tracepoint alone, the
# entry/exit pair, raw_syscalls, the perf buffer), all watching the same call.
. /tests/lib.sh
port=$((20000 + $$ % 10000))

INSTANCES="best||sys_exit_listen=tracepoint,sys_enter_listen=-,buffer=ringbuf
avoid=task_pt_regs|task_pt_regs|sys_enter_listen=tracepoint,sys_exit_listen=tracepoint
avoid=tracepoint|tracepoint|kinds=raw_tp,sys_exit=raw_tp
avoid=ringbuf|ringbuf|sys_exit_listen=tracepoint,buffer=perfbuf"
echo "$INSTANCES" >"$TMP/instances"
started=
n=0
while IFS='|' read -r path avoid want; do
	n=$((n + 1))
	if BPFSCOPE_AVOID=$avoid start_tool "$TMP/s$n" solisten -v; then
		eval "pid_$n=$TOOL_PID"
		started="$started $n"
	else
		fail "solisten [$path] starts" "$(tail -n 2 "$TMP/s$n.err")"
	fi
done <"$TMP/instances"

nc -l -p $port >/dev/null </dev/null &
srv=$!
for n in $started; do wait_for "$TMP/s$n" " $port " 5; done
kill $srv 2>/dev/null
wait $srv 2>/dev/null

n=0
while IFS='|' read -r path avoid want; do
	n=$((n + 1))
	case " $started " in *" $n "*) ;; *) continue ;; esac
	eval "TOOL_PID=\$pid_$n"
	stop_tool
	rc=$?
	if [ $rc = 0 ] && grep -qE "^$srv +nc +0 +[0-9]+ +TCPv[46] +$port +" "$TMP/s$n"; then
		ok "solisten [$path] shows nc listening on port $port with its PID"
	else
		fail "solisten [$path] shows nc listening" "exit $rc, pid $srv: $(tail -n 3 "$TMP/s$n")"
	fi
	check_path "solisten [$path] takes $want" "$TMP/s$n.err" $(echo "$want" | tr ',' ' ')
	matrix_line solisten "$path" "$TMP/s$n.err"
done <"$TMP/instances"

# execsnoop in the guest: a marked exec appears with its PID and arguments, a
# failed one with its PID and error, on every hook kind and buffer
# (avoid=tracepoint: raw_syscalls, as on kernels without syscall tracepoints).
. /tests/lib.sh
for path in best avoid=ringbuf avoid=tracepoint; do
	case $path in
	best) want="kinds=tracepoint buffer=ringbuf core=cut" ;;
	avoid=ringbuf) want="kinds=tracepoint buffer=perfbuf" ;;
	avoid=tracepoint) want="kinds=raw_tp sys_enter=raw_tp sys_exit=raw_tp buffer=ringbuf" ;;
	esac
	m="vm_exec_$$_${path#*=}"
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" execsnoop -v -x; then
		fail "execsnoop [$path] starts" "$(tail -n 3 "$TMP/out.err")"
		continue
	fi
	# The shells record their PIDs, which the execs keep.
	sh -c 'echo $$ >"$1"; exec /bin/true "$2" ok' _ "$TMP/pid" "$m"
	sh -c 'echo $$ >"$1"; exec /nonexistent "$2"' _ "$TMP/pid.x" "$m" 2>/dev/null
	wait_for "$TMP/out" "/nonexistent $m" 5
	stop_tool
	rc=$?
	pid=$(cat "$TMP/pid") xpid=$(cat "$TMP/pid.x")
	if [ $rc = 0 ] && grep -qE "^true +$pid +[0-9]+ +0 /bin/true $m ok\$" "$TMP/out"; then
		ok "execsnoop [$path] shows a marked exec with its PID"
	else
		fail "execsnoop [$path] shows a marked exec with its PID" \
			"exit status $rc, pid $pid: $(grep -F "$m" "$TMP/out" | head -n 2)"
	fi
	if grep -qE "^sh +$xpid +[0-9]+ +-2 /nonexistent $m\$" "$TMP/out"; then
		ok "execsnoop [$path] -x shows a failed exec with its PID and ENOENT"
	else
		fail "execsnoop [$path] -x shows a failed exec with its PID and ENOENT" \
			"pid $xpid: $(grep -F "/nonexistent $m" "$TMP/out")"
	fi
	check_path "execsnoop [$path] takes $want" "$TMP/out.err" $want
	matrix_line execsnoop "$path" "$TMP/out.err"
done

# opensnoop in the guest: a marked file opened by a known process appears with
# that PID and no error, a failed open with its PID and ERR 2, on every path:
# the exit alone with the saved registers (best), entry and exit
# (avoid=task_pt_regs), each buffer, raw_syscalls, and CO-RE against the whole
# kernel BTF (avoid=corebtf: checked once per kernel, here).
. /tests/lib.sh
for path in best avoid=ringbuf avoid=task_pt_regs avoid=corebtf avoid=tracepoint; do
	case $path in
	best) want="kinds=tracepoint sys_exit_openat=tracepoint sys_enter_openat=- buffer=ringbuf core=cut" ;;
	avoid=ringbuf) want="sys_exit_openat=tracepoint sys_enter_openat=- buffer=perfbuf" ;;
	avoid=task_pt_regs) want="sys_enter_openat=tracepoint sys_exit_openat=tracepoint buffer=ringbuf" ;;
	avoid=corebtf) want="core=whole sys_exit_openat=tracepoint buffer=ringbuf" ;;
	avoid=tracepoint) want="kinds=raw_tp sys_exit=raw_tp buffer=ringbuf" ;;
	esac
	m=/tmp/vm_open_$$_${path#*=}
	echo x >"$m"
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" opensnoop -v; then
		fail "opensnoop [$path] starts" "$(tail -n 2 "$TMP/out.err")"
		continue
	fi
	sh -c 'echo $$ >"$1"; exec cat "$2"' _ "$TMP/pid" "$m" >/dev/null
	sh -c 'echo $$ >"$1"; exec cat "$2"' _ "$TMP/pid.x" "$m.missing" 2>/dev/null
	wait_for "$TMP/out" "$m.missing" 5
	stop_tool
	rc=$?
	pid=$(cat "$TMP/pid") xpid=$(cat "$TMP/pid.x")
	if [ $rc = 0 ] && grep -qE "^$pid +cat +[0-9]+ +0 +$m\$" "$TMP/out"; then
		ok "opensnoop [$path] shows the marked open with its PID"
	else
		fail "opensnoop [$path] shows the marked open with its PID" \
			"exit status $rc, pid $pid: $(grep -F "$m" "$TMP/out" | head -n 2)"
	fi
	if grep -qE "^$xpid +cat +-1 +2 +$m.missing\$" "$TMP/out"; then
		ok "opensnoop [$path] shows a failed open with its PID and ERR 2"
	else
		fail "opensnoop [$path] shows a failed open with its PID and ERR 2" \
			"pid $xpid: $(grep -F "$m.missing" "$TMP/out" | tail -n 1)"
	fi
	check_path "opensnoop [$path] takes $want" "$TMP/out.err" $want
	matrix_line opensnoop "$path" "$TMP/out.err"
done

# statsnoop in the guest: busybox stat (newfstatat) and stat -f (statfs) of a
# marked file by known processes appear with their PIDs and no error, a stat
# of a missing file with its PID and ERR 2, on every path: the exit alone with
# the saved registers (best), entry and exit (avoid=task_pt_regs), the perf
# buffer, and raw_syscalls (avoid=tracepoint).
. /tests/lib.sh
for path in best avoid=ringbuf avoid=task_pt_regs avoid=tracepoint; do
	case $path in
	best) want="kinds=tracepoint sys_exit_newfstatat=tracepoint sys_exit_statfs=tracepoint sys_enter_newfstatat=- buffer=ringbuf core=cut" ;;
	avoid=ringbuf) want="kinds=tracepoint sys_exit_newfstatat=tracepoint sys_enter_newfstatat=- buffer=perfbuf" ;;
	avoid=task_pt_regs) want="sys_enter_newfstatat=tracepoint sys_exit_newfstatat=tracepoint sys_enter_statfs=tracepoint buffer=ringbuf" ;;
	avoid=tracepoint) want="kinds=raw_tp sys_exit=raw_tp buffer=ringbuf" ;;
	esac
	m=/tmp/vm_stat_$$_${path#*=}
	echo x >"$m"
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" statsnoop -v; then
		fail "statsnoop [$path] starts" "$(tail -n 2 "$TMP/out.err")"
		continue
	fi
	sh -c 'echo $$ >"$1"; exec stat "$2"' _ "$TMP/pid" "$m" >/dev/null
	sh -c 'echo $$ >"$1"; exec stat -f "$2"' _ "$TMP/pid.f" "$m" >/dev/null
	sh -c 'echo $$ >"$1"; exec stat "$2"' _ "$TMP/pid.x" "$m.missing" 2>/dev/null
	wait_for "$TMP/out" "$m.missing" 5
	stop_tool
	rc=$?
	pid=$(cat "$TMP/pid") fpid=$(cat "$TMP/pid.f") xpid=$(cat "$TMP/pid.x")
	if [ $rc = 0 ] && grep -qE "^$pid +stat +0 +0 $m\$" "$TMP/out" &&
		grep -qE "^$fpid +stat +0 +0 $m\$" "$TMP/out"; then
		ok "statsnoop [$path] shows stat and stat -f of the marked file with their PIDs"
	else
		fail "statsnoop [$path] shows stat and stat -f of the marked file with their PIDs" \
			"exit status $rc, pids $pid $fpid: $(grep -F "$m" "$TMP/out" | head -n 3)"
	fi
	if grep -qE "^$xpid +stat +-1 +2 $m.missing\$" "$TMP/out"; then
		ok "statsnoop [$path] shows a failed stat with its PID and ERR 2"
	else
		fail "statsnoop [$path] shows a failed stat with its PID and ERR 2" \
			"pid $xpid: $(grep -F "$m.missing" "$TMP/out" | tail -n 1)"
	fi
	check_path "statsnoop [$path] takes $want" "$TMP/out.err" $want
	matrix_line statsnoop "$path" "$TMP/out.err"
done

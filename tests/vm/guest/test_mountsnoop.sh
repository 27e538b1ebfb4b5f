# mountsnoop in the guest: a marked tmpfs mount in a private mount namespace
# appears with its PID and arguments, a failing one with ENOENT, and the
# umount2 after it, on every hook kind and buffer (avoid=tracepoint:
# raw_syscalls, as on kernels without syscall tracepoints).
. /tests/lib.sh
for path in best avoid=task_pt_regs avoid=ringbuf avoid=tracepoint; do
	case $path in
	best) want="kinds=tracepoint sys_enter_mount=- sys_exit_mount=tracepoint sys_exit_umount=tracepoint buffer=ringbuf core=cut" ;;
	avoid=task_pt_regs) want="kinds=tracepoint sys_enter_mount=tracepoint sys_exit_umount=tracepoint" ;;
	avoid=ringbuf) want="kinds=tracepoint buffer=perfbuf" ;;
	avoid=tracepoint) want="kinds=raw_tp sys_enter=raw_tp sys_exit=raw_tp buffer=ringbuf" ;;
	esac
	m="vm_mnt_$$_${path#*=}"
	dir=$TMP/$m
	mkdir -p "$dir"
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" mountsnoop -v; then
		fail "mountsnoop [$path] starts" "$(tail -n 3 "$TMP/out.err")"
		continue
	fi
	# The shells record their PIDs, which the execs keep.
	unshare -m sh -c 'echo $$ >"$1"; exec mount -t tmpfs -o size=1m "$2" "$3"' _ \
		"$TMP/pid" "$m.src" "$dir"
	unshare -m sh -c 'echo $$ >"$1"; exec mount -t tmpfs "$2" "$3"' _ \
		"$TMP/pid.x" "$m.src" "$dir/none" 2>/dev/null
	sh -c 'echo $$ >"$1"; exec umount "$2"' _ "$TMP/pid.u" "$dir/none" 2>/dev/null
	wait_for "$TMP/out" "umount\(\"$dir/none\"" 5
	stop_tool
	rc=$?
	pid=$(cat "$TMP/pid") xpid=$(cat "$TMP/pid.x") upid=$(cat "$TMP/pid.u")
	if [ $rc = 0 ] && grep -qE "^mount +$pid +$pid +[0-9]+ +mount\(\"$m.src\", \"$dir\", \"tmpfs\", MS_SILENT, \"size=1m\"\) = 0\$" "$TMP/out"; then
		ok "mountsnoop [$path] shows a marked mount with its PID"
	else
		fail "mountsnoop [$path] shows a marked mount with its PID" \
			"exit status $rc, pid $pid: $(grep -F "$m" "$TMP/out" | head -n 2)"
	fi
	if grep -qE "^mount +$xpid +$xpid +[0-9]+ +mount\(\"$m.src\", \"$dir/none\", \"tmpfs\", MS_SILENT, NULL\) = -ENOENT\$" "$TMP/out" &&
		grep -qE "^umount +$upid +$upid +[0-9]+ +umount\(\"$dir/none\", 0x0\) = -ENOENT\$" "$TMP/out"; then
		ok "mountsnoop [$path] shows a failing mount and umount2 with ENOENT"
	else
		fail "mountsnoop [$path] shows a failing mount and umount2 with ENOENT" \
			"pids $xpid $upid: $(grep -F "$dir/none" "$TMP/out")"
	fi
	check_path "mountsnoop [$path] takes $want" "$TMP/out.err" $want
	matrix_line mountsnoop "$path" "$TMP/out.err"
done

# execsnoop in the guest: a marked exec appears with its arguments on every path
# (avoid=tracepoint: raw_syscalls, as on kernels without syscall tracepoints).
. /tests/lib.sh
for path in best avoid=ringbuf avoid=corebtf avoid=tracepoint; do
	m="vm_exec_$$_$path"
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" execsnoop -v -x; then
		fail "execsnoop [$path] starts" "$(tail -n 3 "$TMP/out.err")"
		continue
	fi
	/bin/true "$m" ok
	/nonexistent "$m" 2>/dev/null
	wait_for "$TMP/out" "/nonexistent $m" 5
	stop_tool
	if grep -q "^true .* 0 /bin/true $m ok" "$TMP/out"; then
		ok "execsnoop [$path] shows a marked exec"
	else
		fail "execsnoop [$path] shows a marked exec" "$(tail -n 3 "$TMP/out")"
	fi
	if grep -q " -2 /nonexistent $m" "$TMP/out"; then
		ok "execsnoop [$path] -x shows a failed exec"
	else
		fail "execsnoop [$path] -x shows a failed exec" "$(tail -n 3 "$TMP/out")"
	fi
	matrix_line execsnoop "$path" "$TMP/out.err"
done

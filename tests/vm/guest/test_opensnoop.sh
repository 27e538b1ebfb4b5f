# opensnoop in the guest: a marked file opened by a known process appears with
# that PID and no error; a failed open appears with -x; on every path.
. /tests/lib.sh
for path in best avoid=ringbuf avoid=task_pt_regs avoid=corebtf avoid=tracepoint; do
	m=/tmp/vm_open_$$_${path#*=}
	echo x >"$m"
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" opensnoop -v; then
		fail "opensnoop [$path] starts" "$(tail -n 2 "$TMP/out.err")"
		continue
	fi
	sh -c 'echo $$ >'"$TMP/pid"'; exec cat '"$m" >/dev/null
	cat "$m.missing" 2>/dev/null
	wait_for "$TMP/out" "$m.missing" 5
	stop_tool
	pid=$(cat "$TMP/pid")
	if grep -qE "^$pid +cat +[0-9]+ +0 +$m\$" "$TMP/out"; then
		ok "opensnoop [$path] shows the marked open with its PID"
	else
		fail "opensnoop [$path] shows the marked open with its PID" "$(grep -F "$m" "$TMP/out" | head -n 2)"
	fi
	if grep -qE " -1 +2 +$m.missing\$" "$TMP/out"; then
		ok "opensnoop [$path] shows a failed open with ERR 2"
	else
		fail "opensnoop [$path] shows a failed open with ERR 2" "$(grep -F "$m" "$TMP/out" | tail -n 1)"
	fi
	matrix_line opensnoop "$path" "$TMP/out.err"
done

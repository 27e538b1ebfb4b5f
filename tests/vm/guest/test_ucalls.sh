# ucalls in the guest: a stand-in CPython (usdt_runtime: python:function__*
# with semaphores; it waits up to 10 s for a tracer, as the tools start slowly
# under TCG) calls FUNC and, inside it, inner 7 times: both counted
# exactly; -S counts its system calls through each raw_syscalls hook kind.
# common-args: -l python
. /tests/lib.sh
for path in best avoid=tp_btf avoid=tp_btf,raw_tp; do
	case $path in
	best) want="python:function__return=usdt sys_exit=tp_btf core=cut" ;;
	avoid=tp_btf) want="python:function__return=usdt sys_exit=raw_tp" ;;
	avoid=tp_btf,raw_tp) want="python:function__return=usdt sys_exit=tracepoint" ;;
	esac
	f=vm_uc_$$_${path#*=}
	usdt_runtime 10000 python /g/$f.py $f 7 &
	p=$!
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" ucalls -v -S -l python $p; then
		fail "ucalls [$path] starts" "$(tail -n 3 "$TMP/out.err")"
		kill $p
		continue
	fi
	wait $p
	sleep 0.3
	stop_tool
	rc=$?
	if [ $rc = 0 ] && grep -qE "^/g/$f.py.$f +7\$" "$TMP/out" &&
		grep -qE "^/g/$f.py.inner +7\$" "$TMP/out"; then
		ok "ucalls [$path] counts both functions exactly (7 calls)"
	else
		fail "ucalls [$path] counts both functions exactly (7 calls)" "exit status $rc: $(grep -F "/g/" "$TMP/out" | tr "\n" "|")"
	fi
	if grep -qE '^(clock_)?nanosleep +[1-9]' "$TMP/out"; then
		ok "ucalls [$path] -S counts the process's sleeps"
	else
		fail "ucalls [$path] -S counts the process's sleeps" "$(cat "$TMP/out")"
	fi
	check_path "ucalls [$path] takes $want" "$TMP/out.err" $want
	matrix_line ucalls "$path" "$TMP/out.err"
done

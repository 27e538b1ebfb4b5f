# futexctn in the guest: a test program's threads wait for each other's
# mutexes; the waits are shown per thread and lock, exactly counted, with the
# waiting function in the user stack, on the syscall tracepoints and on
# raw_syscalls (avoid=tracepoint).  Options are tested on the host.
. /tests/lib.sh
ROUNDS=3
for path in best avoid=tracepoint; do
	case $path in
	best) want="kinds=tracepoint sys_enter_futex=tracepoint sys_exit_futex=tracepoint core=cut" ;;
	avoid=tracepoint) want="kinds=raw_tp sys_enter=raw_tp sys_exit=raw_tp" ;;
	esac
	rm -f "$TMP/in" "$TMP/h"
	mkfifo "$TMP/in"
	/helpers/futexctn_contend $ROUNDS 20 <"$TMP/in" >"$TMP/h" &
	hpid=$!
	exec 8>"$TMP/in"
	wait_for "$TMP/h" . 5
	read -r pid tmain tsecond lock1 lock2 <"$TMP/h"
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" futexctn -v -p "$pid"; then
		fail "futexctn [$path] starts" "$(tail -n 3 "$TMP/out.err")"
		exec 8>&-
		kill "$hpid"
		continue
	fi
	echo go >&8
	wait_for "$TMP/h" '^done' 10
	stop_tool
	rc=$?
	exec 8>&-
	wait "$hpid"
	if [ $rc = 0 ] && grep -qE "^futexctn_conten\[$tsecond\] lock $lock1 contended $ROUNDS times" "$TMP/out" &&
		grep -qE "^futexctn_conten\[$tmain\] lock $lock2 contended $ROUNDS times" "$TMP/out"; then
		ok "futexctn [$path] counts the $ROUNDS waits of each thread and lock"
	else
		fail "futexctn [$path] counts the $ROUNDS waits of each thread and lock" \
			"exit status $rc, $pid $tmain $tsecond $lock1 $lock2: $(grep lock "$TMP/out")"
	fi
	if grep -qE '^    futexctn_marker_wait$' "$TMP/out"; then
		ok "futexctn [$path] names the waiting function in the user stack"
	else
		fail "futexctn [$path] names the waiting function in the user stack" \
			"$(grep -A 5 ' lock ' "$TMP/out" | head -n 8)"
	fi
	check_path "futexctn [$path] takes $want" "$TMP/out.err" $want
	matrix_line futexctn "$path" "$TMP/out.err"
done

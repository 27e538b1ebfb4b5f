# exitsnoop in the guest: an exit code, a signal, a core dump and a thread's
# exit (-T) each show with their PIDs, on every hook kind and event buffer.
. /tests/lib.sh
for path in best avoid=tp_btf,ringbuf avoid=tp_btf,raw_tp; do
	case $path in
	best) want="sched_process_exit=tp_btf buffer=ringbuf core=cut" ;;
	avoid=tp_btf,ringbuf) want="sched_process_exit=raw_tp buffer=perfbuf" ;;
	avoid=tp_btf,raw_tp) want="sched_process_exit=tracepoint buffer=ringbuf" ;;
	esac
	code=$((($$ + ${#path}) % 200 + 20))
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" exitsnoop -v -T; then
		fail "exitsnoop [$path] starts" "$(tail -n 3 "$TMP/out.err")"
		continue
	fi
	sh -c "exit $code" &
	c=$!
	sh -c 'kill -USR2 $$' &
	s=$!
	(cd "$TMP" && ulimit -c unlimited && exec sh -c 'kill -ABRT $$') &
	a=$!
	spin 0.2 thread &
	t=$!
	wait $c $s $a $t 2>/dev/null
	wait_for "$TMP/out" "^spin +$t " 5
	sleep 0.3
	stop_tool
	rc=$?
	if [ $rc = 0 ] && grep -qE "^sh +$c +$$ +$c +[0-9.]+ +code $code\$" "$TMP/out"; then
		ok "exitsnoop [$path] shows exit code $code with its PID and parent"
	else
		fail "exitsnoop [$path] shows exit code $code with its PID and parent" \
			"exit status $rc, pid $c: $(grep -E "^sh +$c " "$TMP/out")"
	fi
	check_line() {
		if grep -qE "$2" "$TMP/out"; then ok "exitsnoop [$path] $1"
		else fail "exitsnoop [$path] $1" "$(grep -E "^[a-z]+ +($s|$a|$t) " "$TMP/out")"; fi
	}
	check_line "shows SIGUSR2 (12)" "^sh +$s +$$ +$s +[0-9.]+ +signal 12 \(User defined signal 2\)\$"
	if ls "$TMP" | grep -q '^core'; then
		check_line "shows SIGABRT with a core dump" \
			"^sh +$a +$$ +$a +[0-9.]+ +signal 6 \(Aborted\), core dumped\$"
	else
		skip "exitsnoop [$path] shows a core dump" "no core file written"
	fi
	rm -f "$TMP"/core*
	n=$(awk -v p=$t -v pp=$$ '$1 == "spin" && $2 == p && $3 == pp { print ($4 == p ? "leader" : "thread") }' \
		"$TMP/out" | sort | tr '\n' ' ')
	if [ "$n" = "leader thread " ]; then ok "exitsnoop [$path] -T shows the process and its thread"
	else fail "exitsnoop [$path] -T shows the process and its thread" "$(grep -E "^spin +$t " "$TMP/out")"; fi
	check_path "exitsnoop [$path] takes $want" "$TMP/out.err" $want
	matrix_line exitsnoop "$path" "$TMP/out.err"
done

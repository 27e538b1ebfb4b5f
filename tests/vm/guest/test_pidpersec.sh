# pidpersec in the guest: a shell that stops itself until pidpersec -p is
# attached, then forks 6 children (ash forks once per '&'): counted exactly,
# on each hook kind.
. /tests/lib.sh
for path in best avoid=tp_btf avoid=tp_btf,raw_tp; do
	case $path in
	best) want="kinds=tp_btf sched_process_fork=tp_btf core=cut" ;;
	avoid=tp_btf) want="kinds=raw_tp sched_process_fork=raw_tp" ;;
	avoid=tp_btf,raw_tp) want="kinds=tracepoint sched_process_fork=tracepoint" ;;
	esac
	sh -c 'kill -STOP $$; i=0; while [ $i -lt 6 ]; do true & i=$((i + 1)); done; wait' &
	p=$!
	i=0
	while [ "$(sed 's/.*) //' /proc/$p/stat | cut -d' ' -f1)" != T ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" pidpersec -v --json -p $p 60; then
		fail "pidpersec [$path] starts" "$(tail -n 3 "$TMP/out.err")"
		kill -KILL $p
		continue
	fi
	kill -CONT $p
	wait $p
	stop_tool
	rc=$?
	n=$(sed -n 's/.*"pids":\([0-9]*\).*/\1/p' "$TMP/out")
	if [ $rc = 0 ] && [ "$n" = 6 ]; then
		ok "pidpersec [$path] -p counts the 6 forks of a marked shell"
	else
		fail "pidpersec [$path] -p counts the 6 forks of a marked shell" \
			"exit status $rc: $(cat "$TMP/out")"
	fi
	check_path "pidpersec [$path] takes $want" "$TMP/out.err" $want
	matrix_line pidpersec "$path" "$TMP/out.err"
done

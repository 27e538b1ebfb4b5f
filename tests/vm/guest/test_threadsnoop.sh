# threadsnoop in the guest: the thread a static program creates shows with
# its creator's PID and name and its own TID (no libc here, so no uprobe),
# on every hook kind and event buffer.
. /tests/lib.sh
# spin runs until killed (a hog, lib.sh): once its thread's TID is read and
# the event is out (a fixed run could end before the TID is read).
for path in best avoid=tp_btf,ringbuf avoid=tp_btf,raw_tp; do
	case $path in
	best) want="task_newtask=tp_btf pthread_create=- buffer=ringbuf core=cut" ;;
	avoid=tp_btf,ringbuf) want="task_newtask=raw_tp buffer=perfbuf" ;;
	avoid=tp_btf,raw_tp) want="task_newtask=tracepoint buffer=ringbuf" ;;
	esac
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" threadsnoop -v; then
		fail "threadsnoop [$path] starts" "$(tail -n 3 "$TMP/out.err")"
		continue
	fi
	spin 600 thread &
	p=$!
	hogs=$p
	tid= i=0
	while [ -z "$tid" ] && [ $i -lt 100 ]; do
		tid=$(ls "/proc/$p/task" 2>/dev/null | grep -vx "$p" | head -n 1)
		[ -n "$tid" ] || sleep 0.05
		i=$((i + 1))
	done
	wait_for "$TMP/out" "^[0-9]+ +$p " 5
	kill_hogs
	sleep 0.3
	stop_tool
	rc=$?
	if [ $rc = 0 ] && [ -n "$tid" ] && grep -qE "^[0-9]+ +$p +spin +\[tid $tid\]\$" "$TMP/out" &&
		[ "$(grep -cE "^[0-9]+ +$p " "$TMP/out")" = 1 ]; then
		ok "threadsnoop [$path] shows spin's one thread: PID $p, TID $tid"
	else
		fail "threadsnoop [$path] shows spin's one thread: PID $p, TID $tid" \
			"exit status $rc: $(grep -E " $p " "$TMP/out")"
	fi
	check_path "threadsnoop [$path] takes $want" "$TMP/out.err" $want
	matrix_line threadsnoop "$path" "$TMP/out.err"
done

# wakeuptime in the guest: a sleeper blocked on a pipe in bpfscope_offcpu_wait() and
# its waker, writing from bpfscope_offcpu_wake() after each 100 ms nap
# (offcputime_wake, tests/helpers); wakeuptime -f -p on the sleeper shows its waker's pipe write,
# and its time matches the span the program measured (within 30%: TCG is
# slow to schedule), on each hook kind: tp_btf with the ring buffer, raw_tp
# with the perf buffer.
. /tests/lib.sh
for path in best avoid=tp_btf,ringbuf; do
	case $path in
	best) want="kinds=tp_btf sched_switch=tp_btf sched_waking=tp_btf sched_process_free=tp_btf buffer=ringbuf" ;;
	*) want="kinds=raw_tp sched_switch=raw_tp sched_waking=raw_tp sched_process_free=raw_tp buffer=perfbuf" ;;
	esac
	t=oT$$ w=oW$$
	rm -f "$TMP/go" && mkfifo "$TMP/go"
	exec 7<>"$TMP/go"
	offcputime_wake $t $w 100 3 <"$TMP/go" >"$TMP/wake" 7>&- &
	h=$!
	wait_for "$TMP/wake" '^target [0-9]+ waker [0-9]+$' 10
	read -r _ tpid _ wpid <"$TMP/wake"
	if ! BPFSCOPE_AVOID=$(avoid_env $path) start_tool "$TMP/out" wakeuptime -v -f -p "$tpid" 7>&-; then
		fail "wakeuptime [$path] starts" "$(tail -n 3 "$TMP/out.err")"
		exec 7>&-
		kill -KILL $h $tpid 2>/dev/null
		continue
	fi
	echo g >&7
	wait_for "$TMP/wake" '^nap_us [0-9]+$' 30
	stop_tool
	rc=$?
	span=$(sed -n 's/^span_us //p' "$TMP/wake")
	re="^$w;([^;]*;)*[^;]*pipe_write;([^;]*;)*try_to_wake_up;$t [0-9]+$"
	sum=$(grep -E "$re" "$TMP/out" | awk '{ n += $NF } END { print n + 0 }')
	if [ $rc = 0 ] && [ -n "$span" ] && [ "$sum" -ge $((span * 7 / 10)) ] &&
		[ "$sum" -le $((span * 13 / 10)) ] && ! grep -qvE "^[^ ]*;$t [0-9]+$" "$TMP/out"; then
		ok "wakeuptime [$path] -f -p: its waker's pipe write ($sum us, span $span us), nothing else"
	else
		fail "wakeuptime [$path] -f -p: its waker's pipe write" \
			"exit status $rc, $sum us, span $span us: $(head -c 400 "$TMP/out")"
	fi
	check_path "wakeuptime [$path] takes $want" "$TMP/out.err" $want
	matrix_line wakeuptime "$path" "$TMP/out.err"
	exec 7>&-
	wait $h 2>/dev/null
done

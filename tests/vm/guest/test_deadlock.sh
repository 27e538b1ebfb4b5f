# deadlock in the guest: a static workload takes mutexes A then B in one
# thread, B then A in another; deadlock reports the cycle with both addresses
# and the functions that took them, exits 1, on each hook kind for thread
# creation and the process's end.
# common-args: $$
. /tests/lib.sh
mkfifo "$TMP/gate"

for path in best avoid=tp_btf avoid=tp_btf,raw_tp; do
	case $path in
	best) kind=tp_btf ;;
	avoid=tp_btf) kind=raw_tp ;;
	*) kind=tracepoint ;;
	esac
	rm -f "$TMP/pid"
	/helpers/deadlock_inversion "$TMP/pid" "$TMP/gate" 1 &
	i=0
	while [ "$(cat "$TMP/pid" 2>/dev/null | wc -l)" != 3 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	pid=$(sed -n 1p "$TMP/pid")
	ma=$(printf '0x%016x' "$(sed -n 2p "$TMP/pid")")
	mb=$(printf '0x%016x' "$(sed -n 3p "$TMP/pid")")
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" deadlock -v "$pid"; then
		fail "deadlock [$path] starts" "$(tail -n 3 "$TMP/out.err")"
		echo go >"$TMP/gate"
		wait
		continue
	fi
	echo go >"$TMP/gate"
	i=0
	while kill -0 "$TOOL_PID" 2>/dev/null && [ $i -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
	stop_tool
	rc=$?
	wait
	if [ $rc = 1 ] &&
		grep -q "^Mutex M[01] ($mb) acquired here while holding Mutex M[01] ($ma) in Thread" "$TMP/out" &&
		grep -q "^Mutex M[01] ($ma) acquired here while holding Mutex M[01] ($mb) in Thread" "$TMP/out" &&
		grep -qx "    deadlock_marked_ab" "$TMP/out" && grep -qx "    deadlock_marked_ba" "$TMP/out"; then
		ok "deadlock [$path] reports A => B => A in deadlock_marked_ab and _ba, status 1"
	else
		fail "deadlock [$path] reports A => B => A in deadlock_marked_ab and _ba, status 1" \
			"rc=$rc A=$ma B=$mb $(grep -E '^(Cycle|Mutex)' "$TMP/out" | head -n 3)"
	fi
	check_path "deadlock [$path] takes $kind" "$TMP/out.err" task_newtask=$kind \
		sched_process_exit=$kind pthread_mutex_lock=uprobe pthread_mutex_unlock=uprobe
	matrix_line deadlock "$path" "$TMP/out.err"
done

# numamove in the guest, booted with two NUMA nodes (tests/vm/run.sh): a
# process stops itself with its pages on node 0, then touches them from node
# 1's CPU until NUMA balancing has moved them (numamove_work balance); a
# second one has move_pages(2) move its pages (another migration reason).
# numamove -p counts at least the pages the first one reports moved (it
# counts migration attempts), none of the second's, on each hook kind.  The
# second runs on node 0's CPU, where none of its memory is misplaced: NUMA
# balancing, on for the first, leaves it alone (on node 1's CPU it had moved a
# few of its heap and stack pages, and raced move_pages(2) for the rest).
. /tests/lib.sh
cpu1=$(cat /sys/devices/system/node/node1/cpulist 2>/dev/null)
cpu0=$(sed 's/[-,].*//' /sys/devices/system/node/node0/cpulist 2>/dev/null)
DBG=/sys/kernel/debug/sched/numa_balancing
if [ -z "$cpu1" ]; then
	skip "numamove counts NUMA balancing's migrations" "the guest has one NUMA node"
elif ! echo 1 >/proc/sys/kernel/numa_balancing; then
	skip "numamove counts NUMA balancing's migrations" "cannot turn NUMA balancing on"
else
	mount -t debugfs none /sys/kernel/debug 2>/dev/null
	# Scan at once and every 100 ms (defaults: after 1 s, then every 1 s or more).
	old_delay=$(cat $DBG/scan_delay_ms 2>/dev/null) old_min=$(cat $DBG/scan_period_min_ms 2>/dev/null)
	echo 0 >$DBG/scan_delay_ms 2>/dev/null
	echo 100 >$DBG/scan_period_min_ms 2>/dev/null
	PAGES=64
	for path in best avoid=tp_btf avoid=tp_btf,raw_tp avoid=tp_btf,raw_tp,tracepoint \
		avoid=tp_btf,raw_tp,tracepoint,fentry; do
		case $path in
		best) want="kinds=tp_btf mm_migrate_pages_start=tp_btf mm_migrate_pages=tp_btf core=cut" ;;
		avoid=tp_btf) want="kinds=raw_tp mm_migrate_pages_start=raw_tp mm_migrate_pages=raw_tp" ;;
		avoid=tp_btf,raw_tp) want="kinds=tracepoint mm_migrate_pages_start=tracepoint" ;;
		avoid=*,tracepoint) want="kinds=fentry+fexit" ;;
		*) want="kinds=kprobe+kretprobe" ;;
		esac
		# Pinned from exec (taskset execs it): no page of theirs starts on the other node.
		taskset -c "$cpu1" numamove_work balance $PAGES "$cpu1" 6 >"$TMP/bal" 2>&1 &
		pb=$!
		taskset -c "${cpu0:-0}" numamove_work syscall $PAGES "${cpu0:-0}" 0 >"$TMP/sys" 2>&1 &
		ps=$!
		for p in $pb $ps; do
			i=0
			while [ "$(sed 's/.*) //' /proc/$p/stat | cut -d' ' -f1)" != T ] && [ $i -lt 100 ]; do
				sleep 0.05
				i=$((i + 1))
			done
		done
		avoid=$(avoid_env "$path")
		if ! BPFSCOPE_AVOID=$avoid start_tool "$TMP/sysrun" numamove --json -p $ps 60; then
			fail "numamove [$path] starts" "$(tail -n 3 "$TMP/sysrun.err")"
			kill -KILL $pb $ps
			continue
		fi
		sys_pid=$TOOL_PID
		if ! BPFSCOPE_AVOID=$avoid start_tool "$TMP/out" numamove -v --json -p $pb 60; then
			fail "numamove [$path] starts" "$(tail -n 3 "$TMP/out.err")"
			kill -KILL $pb $ps $sys_pid
			continue
		fi
		kill -CONT $pb $ps
		wait $pb $ps
		stop_tool
		rc=$?
		TOOL_PID=$sys_pid
		stop_tool
		rc2=$?
		moved=$(sed -n 's/^moved //p' "$TMP/bal") smoved=$(sed -n 's/^moved //p' "$TMP/sys")
		got=$(sed -n 's/.*"migrations":\([0-9]*\).*/\1/p' "$TMP/out")
		sgot=$(sed -n 's/.*"migrations":\([0-9]*\).*/\1/p' "$TMP/sysrun")
		if [ $rc = 0 ] && [ "${moved:-0}" -gt 0 ] && [ "${got:-0}" -ge "$moved" ]; then
			ok "numamove [$path] -p counts the $moved pages NUMA balancing moved ($got)"
		else
			fail "numamove [$path] -p counts the pages NUMA balancing moved" \
				"exit status $rc, moved ${moved:-none} ($(cat "$TMP/bal")), counted ${got:-none}"
		fi
		if [ $rc2 = 0 ] && [ "$smoved" = $PAGES ] && [ "$sgot" = 0 ]; then
			ok "numamove [$path] -p does not count move_pages(2) migrations ($smoved pages)"
		else
			fail "numamove [$path] -p does not count move_pages(2) migrations" \
				"exit status $rc2, moved ${smoved:-none} ($(cat "$TMP/sys")), counted ${sgot:-none}"
		fi
		check_path "numamove [$path] takes $want" "$TMP/out.err" $want
		matrix_line numamove "$path" "$TMP/out.err"
	done
	[ -n "$old_delay" ] && echo "$old_delay" >$DBG/scan_delay_ms
	[ -n "$old_min" ] && echo "$old_min" >$DBG/scan_period_min_ms
fi

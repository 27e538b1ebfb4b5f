# runqlat in the guest: three CPU hogs pinned to one CPU wait for it, and
# runqlat -P -p shows that wait for one of them, on each hook kind.
. /tests/lib.sh
for path in best avoid=tp_btf; do
	taskset -c 0 spin 600 &
	a=$!
	taskset -c 0 spin 600 &
	b=$!
	taskset -c 0 spin 600 &
	c=$!
	hogs="$a $b $c"
	BPFSCOPE_AVOID=$(avoid_env "$path") runqlat -v -P -p $a 2 1 >"$TMP/out" 2>"$TMP/err"
	rc=$?
	total=$(awk '/:/ && $2 == "->" { n += $5 } END { print n + 0 }' "$TMP/out")
	big=$(awk '/:/ && $2 == "->" && $1 >= 1024 { n += $5 } END { print n + 0 }' "$TMP/out")
	if [ $rc = 0 ] && grep -q "^pid = $a " "$TMP/out" && [ "$total" -ge 10 ] && [ "$big" -ge 1 ] &&
		! grep -q "^pid = $b " "$TMP/out"; then
		ok "runqlat [$path] -P -p counts the waits of a CPU hog ($total, $big >= 1 ms)"
	else
		fail "runqlat [$path] -P -p counts the waits of a CPU hog" \
			"exit status $rc, total=$total big=$big $(head -n 3 "$TMP/out") $(tail -n 2 "$TMP/err")"
	fi
	if [ "$path" = best ]; then
		# The start-up path without libbpf's parse of the kernel BTF is the one taken.
		check_path "runqlat [best]: tp_btf, CO-RE against the kernel BTF cut for it" "$TMP/err" \
			kinds=tp_btf sched_switch=tp_btf core=cut
	else
		check_path "runqlat [$path]: raw_tp for every hook" "$TMP/err" kinds=raw_tp \
			sched_switch=raw_tp sched_wakeup=raw_tp sched_wakeup_new=raw_tp
	fi
	kill_hogs
	matrix_line runqlat "$path" "$TMP/err"
done

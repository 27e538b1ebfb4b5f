# runqlat in the guest: three CPU hogs pinned to one CPU wait for it, and
# runqlat -P -p shows that wait for one of them, on every path.
. /tests/lib.sh
for path in best avoid=tp_btf avoid=corebtf; do
	taskset -c 0 spin 8 &
	a=$!
	taskset -c 0 spin 8 &
	b=$!
	taskset -c 0 spin 8 &
	c=$!
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") runqlat -v -P -p $a 3 1 >"$TMP/out" 2>"$TMP/err"; then
		fail "runqlat [$path] runs" "$(tail -n 2 "$TMP/err")"
	else
		total=$(awk '/:/ && $2 == "->" { n += $5 } END { print n + 0 }' "$TMP/out")
		big=$(awk '/:/ && $2 == "->" && $1 >= 1024 { n += $5 } END { print n + 0 }' "$TMP/out")
		if grep -q "^pid = $a " "$TMP/out" && [ "$total" -ge 10 ] && [ "$big" -ge 1 ] &&
			! grep -q "^pid = $b " "$TMP/out"; then
			ok "runqlat [$path] -P -p counts the waits of a CPU hog ($total, $big >= 1 ms)"
		else
			fail "runqlat [$path] -P -p counts the waits of a CPU hog" \
				"total=$total big=$big $(head -n 3 "$TMP/out")"
		fi
	fi
	if [ "$path" = best ]; then
		# The start-up path without libbpf's parse of the kernel BTF is the one taken.
		if grep -q 'CO-RE: against the kernel BTF cut' "$TMP/err"; then
			ok "runqlat [best] relocates against the kernel BTF cut for it"
		else
			fail "runqlat [best] relocates against the kernel BTF cut for it" \
				"$(grep CO-RE "$TMP/err")"
		fi
	fi
	kill $a $b $c 2>/dev/null
	wait $a $b $c 2>/dev/null
	matrix_line runqlat "$path" "$TMP/err"
done

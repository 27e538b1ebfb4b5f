# syscount in the guest: one busybox rmdir fails on K marked paths (K
# rmdir() calls, ENOENT) and a sleep of 0.3 s makes one nanosleep; syscount
# -L counts exactly K rmdir calls and the sleep's time, on each hook kind
# (tp_btf with task storage, raw_tp with the tid hash, the tracepoints).
. /tests/lib.sh
k=$((20 + $$ % 30))
for path in best avoid=tp_btf avoid=tp_btf,raw_tp; do
	case $path in
	best) want="kinds=tp_btf sys_enter=tp_btf sys_exit=tp_btf buffer=none" ;;
	avoid=tp_btf) want="kinds=raw_tp sys_enter=raw_tp sys_exit=raw_tp buffer=none" ;;
	*) want="kinds=tracepoint sys_enter=tracepoint sys_exit=tracepoint buffer=none" ;;
	esac
	args=
	i=0
	while [ $i -lt $k ]; do
		args="$args /nonexistent_vm_sc_$$/$i"
		i=$((i + 1))
	done
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" syscount -v -L -T 100; then
		fail "syscount [$path] starts" "$(tail -n 3 "$TMP/out.err")"
		continue
	fi
	rmdir $args 2>/dev/null
	sleep 0.3
	stop_tool
	rc=$?
	n=$(awk '$1 == "rmdir" { print $2 }' "$TMP/out")
	us=$(awk '$1 ~ /^(clock_)?nanosleep$/ && $3 > t { t = $3 } END { print t + 0 }' "$TMP/out")
	if [ $rc = 0 ] && [ "$n" = "$k" ]; then
		ok "syscount [$path] counts exactly $k rmdir() calls"
	else
		fail "syscount [$path] counts exactly $k rmdir() calls" \
			"exit status $rc, rmdir: '$n': $(head -n 8 "$TMP/out" | tr '\n' '|')"
	fi
	if awk -v t="$us" 'BEGIN { exit !(t >= 300000 && t < 5000000) }'; then
		ok "syscount [$path] -L: the 0.3 s sleep took $us us"
	else
		fail "syscount [$path] -L: the 0.3 s sleep's time" "$us us: $(head -n 8 "$TMP/out" | tr '\n' '|')"
	fi
	check_path "syscount [$path] takes $want" "$TMP/out.err" $want
	matrix_line syscount "$path" "$TMP/out.err"
done

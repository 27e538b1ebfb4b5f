# memleak in the guest: -c runs a static workload that leaks N blocks of SIZE
# bytes in memleak_marked_leak (its own malloc, as a static program has); the
# report at its end shows SIZE*N bytes in N allocations from that function, on
# each hook kind for the process's end, with one uprobe_multi link per program
# (Linux 6.6+) and with a program per function (no BPF cookies).  Kernel mode:
# a report with kernel stacks, on tp_btf and raw_tp.
. /tests/lib.sh
size=$((1000 + $$ % 1000))
n=$((2 + $$ % 3))
case $KERNEL in
6.1.*) multi=uprobe ;; # no uprobe_multi before 6.6
*) multi=uprobe_multi ;;
esac

for path in best avoid=tp_btf avoid=tp_btf,raw_tp,cookie; do
	case $path in
	best) want="sched_process_exit=tp_btf malloc=$multi free=$multi" ;;
	avoid=tp_btf) want="sched_process_exit=raw_tp malloc=$multi" ;;
	*) want="sched_process_exit=tracepoint malloc=uprobe free=uprobe" ;;
	esac
	BPFSCOPE_AVOID=$(avoid_env "$path") timeout 30 memleak -v -o 0 \
		-c "/helpers/memleak_leak $TMP/pid - $size $n 24 1" 5 >"$TMP/out" 2>"$TMP/out.err"
	rc=$?
	frame=$(awk -v h="$((size * n)) bytes in $n allocations from stack" \
		'$0 ~ /Top [0-9]+ stacks/ { f = "" } $0 == h { getline; f = $1 } END { print f }' "$TMP/out")
	if [ $rc = 0 ] && [ "$frame" = memleak_marked_leak ]; then
		ok "memleak [$path] -c: $((size * n)) bytes in $n allocations from memleak_marked_leak"
	else
		fail "memleak [$path] -c: $((size * n)) bytes in $n allocations from memleak_marked_leak" \
			"rc=$rc frame=[$frame] $(tail -n 3 "$TMP/out.err")"
	fi
	check_path "memleak [$path] takes $want" "$TMP/out.err" $want
	matrix_line memleak "$path" "$TMP/out.err"
done

for path in best avoid=tp_btf; do
	kind=tp_btf
	[ $path = best ] || kind=raw_tp
	BPFSCOPE_AVOID=$(avoid_env "$path") timeout 30 memleak -v -o 0 1 1 >"$TMP/k" 2>"$TMP/k.err"
	rc=$?
	if [ $rc = 0 ] && grep -qE '^[0-9]+ bytes in [0-9]+ allocations from stack$' "$TMP/k" &&
		grep -qE '^    [a-z_]*(alloc|kmalloc)' "$TMP/k"; then
		ok "memleak [$path] kernel mode: a report with kernel stacks"
	else
		fail "memleak [$path] kernel mode: a report with kernel stacks" \
			"rc=$rc $(head -n 4 "$TMP/k") $(tail -n 2 "$TMP/k.err")"
	fi
	check_path "memleak [$path] kernel mode takes $kind" "$TMP/k.err" \
		kmalloc=$kind kfree=$kind kmem_cache_alloc=$kind mm_page_alloc=$kind mm_page_free=$kind
	matrix_line memleak "kernel,$path" "$TMP/k.err"
done

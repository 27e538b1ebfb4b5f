#!/bin/bash
# memleak: a workload leaks N blocks of a random size S in a function of a
# unique name, frees blocks of S+1 bytes, leaks 3 blocks of 24 bytes with
# calloc; the report shows S*N bytes in N allocations from a stack with that
# function, never the freed ones; -z/-Z keep one and drop the other; -c runs
# the command; -t shows each call; kernel mode counts the epoll instances a
# helper holds, in a stack through do_epoll_create.
. "$(dirname "$0")/../lib.sh"

need cc jq python3
cc -O1 -g -fno-omit-frame-pointer -o "$TMP/leak" "$TOP/tests/helpers/memleak_leak.c" ||
	bail_out "the leak workload builds" "cc failed"
size=$((1000 + RANDOM % 2000))
n=$((3 + RANDOM % 4))

# report FILE: the last report of a text run (from its last "Top" line).
report() { awk '/^\[[0-9:]+\] Top [0-9]+ stacks/ { r = "" } { r = r $0 "\n" } END { printf "%s", r }' "$1"; }
# block FILE BYTES COUNT: the frames under "BYTES bytes in COUNT allocations" of the last report.
block() {
	report "$1" | awk -v h="$2 bytes in $3 allocations from stack" \
		'$0 == h { on = 1; next } /^[0-9]+ bytes in/ { on = 0 } on'
}
# wait_exit: wait up to 10 s for the tool to end by itself; its exit status (124: it did not).
wait_exit() {
	local i
	for ((i = 0; i < 100; i++)); do
		kill -0 "$TOOL_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$TOOL_PID" 2>/dev/null && { kill_tool; return 124; }
	wait "$TOOL_PID"
	local rc=$?
	TOOL_PID=
	return $rc
}

# --- -p, -a, -o 0: the best path (tp_btf for the process's end, uprobes) -----------
mkfifo "$TMP/gate"
"$TMP/leak" "$TMP/pid" "$TMP/gate" "$size" "$n" 24 1 &
for ((i = 0; i < 50; i++)); do [ -s "$TMP/pid" ] && break; sleep 0.05; done
pid=$(cat "$TMP/pid")
if start_tool "$TMP/out" memleak -v -a -o 0 -p "$pid" 1; then
	echo go >"$TMP/gate"
	wait_exit
	check "ends by itself, status 0, when the process ends" test $? = 0
	check_path "the best path: uprobe_multi on malloc, calloc, free; tp_btf for the end" \
		"$TMP/out.err" malloc=uprobe_multi calloc=uprobe_multi free=uprobe_multi \
		sched_process_exit=tp_btf buffer=ringbuf core=cut
	check "banner names the PID" grep -qx "Attaching to pid $pid, Ctrl+C to quit." "$TMP/out"
	frames=$(block "$TMP/out" $((size * n)) "$n")
	check "$((size * n)) bytes in $n allocations, from memleak_marked_leak (the caller of malloc)" \
		test "$(grep -v addr <<<"$frames" | head -n 1)" = "    memleak_marked_leak"
	check "-a: the $n addresses, each of $size bytes" \
		test "$(grep -cE "^	addr = 0x[0-9a-f]+ size = $size\$" <<<"$frames")" = "$n"
	frames=$(block "$TMP/out" 72 3)
	check "72 bytes in 3 allocations from memleak_marked_small (calloc)" \
		test "$(grep -v addr <<<"$frames" | head -n 1)" = "    memleak_marked_small"
	if report "$TMP/out" | grep -qE "memleak_marked_freed|size = $((size + 1))\$"; then
		fail "freed allocations are not shown" "$(report "$TMP/out" | head -20)"
	else
		ok "freed allocations are not shown"
	fi
else
	fail "memleak -p starts" "$(tail -n 3 "$TMP/out.err")"
	echo go >"$TMP/gate"
fi
wait

# --- -c, -z/-Z, --json; raw_tp for the end -------------------------------------
run_c() { # run_c OUT ARGS...: memleak -c on the workload; it ends with it
	local out=$1
	shift
	rm -f "$TMP/cpid"
	timeout 20 "$BIN/memleak" "$@" -o 0 -c "$TMP/leak $TMP/cpid - $size $n 24 1" 1 \
		>"$out" 2>"$out.err"
}
BPFSCOPE_AVOID=tp_btf,cookie run_c "$TMP/c" --json -v -z "$size" -Z "$size"
rc=$?
cpid=$(cat "$TMP/cpid" 2>/dev/null)
check "-c: runs the command, ends with it, status 0" test "$rc" = 0 -a -n "$cpid"
check_path "BPFSCOPE_AVOID=tp_btf,cookie: raw_tp for the end, a uprobe program per function" \
	"$TMP/c.err" sched_process_exit=raw_tp malloc=uprobe free=uprobe
last=$(tail -n 1 "$TMP/c")
got=$(jq -r '[.stacks[] | "\(.bytes) \(.allocations) \(.user_stack[-1])"] | join(",")' <<<"$last")
check "--json -z $size -Z $size: only the $size-byte leak (not 24, not $((size + 1)))" \
	test "$got" = "$((size * n)) $n memleak_marked_leak"
check "--json: each report is one object with its time" \
	test "$(jq '.time | test("^[0-9]{2}:[0-9]{2}:[0-9]{2}$")' <<<"$last")" = true
run_c "$TMP/t" -t -Z 100
check "-c: the command's PID in the banner" grep -qx "Attaching to pid $(cat "$TMP/cpid"), Ctrl+C to quit." "$TMP/t"
cpid=$(cat "$TMP/cpid")
check "-t: header PID TID COMM CALL SIZE ADDRESS" \
	grep -qE '^PID +TID +COMM +CALL +SIZE +ADDRESS$' "$TMP/t"
check "-t -Z 100: the 3 calloc calls of 24 bytes, with the PID" \
	test "$(grep -cE "^$cpid +$cpid +leak +calloc +24 0x[0-9a-f]+\$" "$TMP/t")" = 3
if grep -qE "^$cpid .* (malloc|free) " "$TMP/t"; then
	fail "-t -Z 100: no $size-byte malloc or free shown" "$(grep -E "^$cpid .* (malloc|free) " "$TMP/t" | head -3)"
else
	ok "-t -Z 100: no $size-byte malloc or free shown"
fi
frames=$(block "$TMP/t" 72 3)
check "-Z 100: the 24-byte leak only" \
	test "$(head -n 1 <<<"$frames"):$(report "$TMP/t" | grep -c 'bytes in')" = "    memleak_marked_small:1"

# --- kernel mode: the epoll instances a helper holds ----------------------------
e=$((40 + RANDOM % 30))
if start_tool "$TMP/k" memleak -v --json -o 0 -T 100000 2 1; then
	python3 -c 'import select, sys, time
eps = [select.epoll() for _ in range(int(sys.argv[1]))]
time.sleep(3)' "$e" &
	helper=$!
	wait_exit
	check "kernel mode: one report after 2 s, status 0" test $? = 0
	kill "$helper" 2>/dev/null
	wait "$helper" 2>/dev/null
	check_path "kernel mode: kmalloc, kfree, kmem_cache_*, mm_page_* via tp_btf" "$TMP/k.err" \
		kmalloc=tp_btf kfree=tp_btf kmem_cache_alloc=tp_btf kmem_cache_free=tp_btf \
		mm_page_alloc=tp_btf mm_page_free=tp_btf
	got=$(jq '[.stacks[] | select(any((.kernel_stack // [])[]; . == "do_epoll_create")) |
		.allocations] | add // 0' "$TMP/k")
	check "kernel mode: at least the $e epoll instances held, from do_epoll_create ($got)" \
		test "$got" -ge "$e"
	check "kernel mode: no user stacks" \
		jq -e '[.stacks[] | has("user_stack")] | any | not' "$TMP/k" >/dev/null
else
	fail "memleak (kernel mode) starts" "$(tail -n 3 "$TMP/k.err")"
fi

# runqlen in the guest: three CPU hogs pinned to CPU 1 keep two waiting on
# its run queue: CPU 1's samples say 2 (the task's CFS queue, cfs_rq.nr_running
# before Linux 6.14) and 2 or more with -H (the CPU's whole queue).
. /tests/lib.sh

# cpu1_from FILE LOW: CPU 1's samples of length LOW and more (text, -C).
cpu1_from() {
	awk -v low="$2" '/^cpu = / { on = $3 == 1; next } on && $2 == ":" && $1 >= low { n += $3 }
		END { print n + 0 }' "$1"
}

taskset -c 1 spin 6 &
a=$!
taskset -c 1 spin 6 &
b=$!
taskset -c 1 spin 6 &
c=$!
sleep 0.2
runqlen -H -C 2 1 >"$TMP/h" 2>"$TMP/h.err" &
h=$!
runqlen -v -C 2 1 >"$TMP/out" 2>"$TMP/err"
rc=$?
wait $h
hrc=$?
kill $a $b $c 2>/dev/null
wait $a $b $c 2>/dev/null
all=$(cpu1_from "$TMP/out" 0)
two=$(($(cpu1_from "$TMP/out" 2) - $(cpu1_from "$TMP/out" 3)))
if [ $rc = 0 ] && [ "$all" -ge 100 ] && [ "$two" -ge $((all * 7 / 10)) ]; then
	ok "runqlen [best] -C: 3 hogs on CPU 1 -> length 2 in $two of $all samples"
else
	fail "runqlen [best] -C: 3 hogs on CPU 1 -> length 2" \
		"exit status $rc, $two of $all: $(head -c 300 "$TMP/out") $(tail -n 2 "$TMP/err")"
fi
hall=$(cpu1_from "$TMP/h" 0)
h2=$(cpu1_from "$TMP/h" 2)
if [ $hrc = 0 ] && [ "$hall" -ge 100 ] && [ "$h2" -ge $((hall * 9 / 10)) ]; then
	ok "runqlen [best] -H -C: CPU 1 length >= 2 in $h2 of $hall samples"
else
	fail "runqlen [best] -H -C: CPU 1 length >= 2" \
		"exit status $hrc, $h2 of $hall: $(head -c 300 "$TMP/h") $(tail -n 2 "$TMP/h.err")"
fi
check_path "runqlen [best]: cpu-clock perf events, CO-RE against the kernel BTF cut" "$TMP/err" \
	kinds=perf_event cpu-clock=perf_event core=cut
matrix_line runqlen best "$TMP/err"

# runqlen in the guest: three CPU hogs pinned to CPU 1 keep two waiting on
# its run queue: CPU 1's samples say 2 (the task's CFS queue, cfs_rq.nr_running
# before Linux 6.14) and 2 or more with -H (the CPU's whole queue).  How many
# samples there must be is measured against the time CPU 1 accounted (its
# ticks) over 2 s of the trace: at 99 Hz, at least half of it.  (No fixed count
# holds: a guest whose host thread waits for a host CPU misses timer
# interrupts; its ticks then fall short of the 2 s, and a count of samples may.)
. /tests/lib.sh

# cpu1_from FILE LOW: CPU 1's samples of length LOW and more (text, -C).
cpu1_from() {
	awk -v low="$2" '/^cpu = / { on = $3 == 1; next } on && $2 == ":" && $1 >= low { n += $3 }
		END { print n + 0 }' "$1"
}

taskset -c 1 spin 600 &
a=$!
taskset -c 1 spin 600 &
b=$!
taskset -c 1 spin 600 &
c=$!
hogs="$a $b $c"
# Both traced from t0 to t1 (and more: from their start to their stop).
rc="none (did not start)" hrc="none (did not start)" t0=0 t1=0
if start_tool "$TMP/h" runqlen -H -C; then
	h=$TOOL_PID
	if start_tool "$TMP/out" runqlen -v -C; then
		t0=$(cpu_accounted 1)
		sleep 2
		t1=$(cpu_accounted 1)
		stop_tool
		rc=$?
	fi
	TOOL_PID=$h
	stop_tool
	hrc=$?
fi
kill_hogs
want=$(samples_floor $t0 $t1)
all=$(cpu1_from "$TMP/out" 0)
two=$(($(cpu1_from "$TMP/out" 2) - $(cpu1_from "$TMP/out" 3)))
if [ "$rc" = 0 ] && [ "$all" -ge $want ] && [ "$two" -ge $((all * 7 / 10)) ]; then
	ok "runqlen [best] -C: 3 hogs on CPU 1 -> length 2 in $two of $all samples ($want wanted)"
else
	fail "runqlen [best] -C: 3 hogs on CPU 1 -> length 2" \
		"exit status $rc, $two of $all (>= $want wanted: CPU 1 accounted $((t1 - t0))0 ms in 2 s): $(head -c 300 "$TMP/out") $(tail -n 2 "$TMP/out.err")"
fi
hall=$(cpu1_from "$TMP/h" 0)
h2=$(cpu1_from "$TMP/h" 2)
if [ "$hrc" = 0 ] && [ "$hall" -ge $want ] && [ "$h2" -ge $((hall * 9 / 10)) ]; then
	ok "runqlen [best] -H -C: CPU 1 length >= 2 in $h2 of $hall samples ($want wanted)"
else
	fail "runqlen [best] -H -C: CPU 1 length >= 2" \
		"exit status $hrc, $h2 of $hall (>= $want wanted: CPU 1 accounted $((t1 - t0))0 ms in 2 s): $(head -c 300 "$TMP/h") $(tail -n 2 "$TMP/h.err")"
fi
check_path "runqlen [best]: cpu-clock perf events, CO-RE against the kernel BTF cut" "$TMP/out.err" \
	kinds=perf_event cpu-clock=perf_event core=cut
matrix_line runqlen best "$TMP/out.err"

# profile in the guest (a static program, spin, burns CPU in named functions):
# user and kernel frames named, -p and -L keep that process or thread only,
# and -F 99 samples match the CPU time the target used; on each buffer.
. /tests/lib.sh

# uptime_cs: the time since boot, in 1/100 s (a stretch the host did not run
# the guest counts whole, as it does in a task's CPU time, and once in
# cpu_accounted's ticks).
uptime_cs() { awk '{ print int($1 * 100) }' /proc/uptime; }
NCPU=$(grep -c '^cpu[0-9]' /proc/stat)

# sampled NAME TARGET OUT ARGS...: profile -F 99 ARGS for 2 s; ok when the
# samples counted match 99 per second of CPU time TARGET (PID or
# PID/task/TID) used meanwhile: at most 150% of it (+ 5), and at least 50%
# (- 5) of the part of it the guest really ran.  A task's CPU time counts whole
# the stretches a loaded host did not run the guest, which no timer samples;
# the guest's ticks count each such stretch once, and 99 Hz samples come at
# least at 99 a second of the time ticks account (one of each per stretch), so
# the share of its time the guest accounted scales the lower bound.
sampled() {
	local name=$1 target=$2 out=$3 t0 t1 g0 g1 u0 u1 n used ran want low rc
	shift 3
	if ! start_tool "$out" profile -F 99 "$@"; then
		fail "$name" "did not start: $(tail -n 3 "$out.err")"
		return 1
	fi
	t0=$(cpu_ticks "$target") g0=$(cpu_accounted) u0=$(uptime_cs)
	sleep 2
	t1=$(cpu_ticks "$target") g1=$(cpu_accounted) u1=$(uptime_cs)
	stop_tool
	rc=$?
	if [ "$(head -c 1 "$out")" = "{" ]; then
		n=$(sed -n 's/.*"count":\([0-9]*\).*/\1/p' "$out" | awk '{ n += $1 } END { print n + 0 }')
	else
		n=$(awk '{ n += $NF } END { print n + 0 }' "$out")
	fi
	used=$((t1 - t0))
	ran=$((100 * (g1 - g0) / (NCPU * (u1 - u0))))
	[ $ran -le 100 ] || ran=100
	want=$((99 * used / 100))
	low=$((want * ran / 200 - 5))
	if [ $rc != 0 ]; then
		fail "$name" "exit status $rc: $(tail -n 3 "$out.err")"
	elif [ "$n" -lt $low ] || [ "$n" -gt $((want * 3 / 2 + 5)) ]; then
		fail "$name" "$n samples at 99 Hz while the target used ${used}0 ms of CPU, the guest ran ${ran}% of the time: $low to $((want * 3 / 2 + 5)) wanted"
	else
		ok "$name ($n samples, $want expected, ${ran}% of it run)"
	fi
}

# Best path: a process that also writes (kernel frames), beside a twin of the
# same name that must not be counted.
spin 600 sys &
a=$!
spin 600 &
twin=$!
hogs="$a $twin"
sleep 0.2
sampled "profile [best] -p -F 99: samples match the CPU time of that process, not its twin's" \
	$a "$TMP/p" -v -f -a -d -p $a
if grep -q '^spin;.*bpfscope_spin_inner [0-9]' "$TMP/p"; then
	ok "profile [best] -f names the spinning function in folded user stacks"
else
	fail "profile [best] -f names the spinning function in folded user stacks" \
		"$(sort -t' ' -k2 -n "$TMP/p" | tail -n 3)"
fi
# (write() in static libc keeps no frame pointer: the caller may be skipped.)
if grep -qE '^spin;[^-]*;-;([^;]*_\[k\];)*[^;]*write[^;]*_\[k\]' "$TMP/p"; then
	ok "profile [best] -a -d: kernel frames (write) after the delimiter"
else
	fail "profile [best] -a -d: kernel frames (write) after the delimiter" \
		"$(grep -F '_[k]' "$TMP/p" | head -n 2)"
fi
check_path "profile [best] takes the ring buffer" "$TMP/p.err" buffer=ringbuf core=cut
matrix_line profile best "$TMP/p.err" "cpu-clock=perf_event"
kill_hogs

# The perf buffer, and -L: a process whose second thread burns elsewhere.
spin 600 thread &
t=$!
hogs=$t
i=0
while [ $i -lt 50 ]; do
	worker=$(ls /proc/$t/task | grep -vx "$t")
	[ -n "$worker" ] && break
	sleep 0.1
	i=$((i + 1))
done
BPFSCOPE_AVOID=ringbuf sampled "profile [avoid=ringbuf] -L -F 99: samples match the CPU time of that thread" \
	"$t/task/$worker" "$TMP/l" -v --json -L "$worker"
if grep -q '"bpfscope_spin_thread"' "$TMP/l" && ! grep -q bpfscope_spin_outer "$TMP/l" &&
	[ "$(sed -n 's/.*"pid":\([0-9]*\).*/\1/p' "$TMP/l" | sort -u)" = "$t" ]; then
	ok "profile [avoid=ringbuf] -L shows that thread only"
else
	fail "profile [avoid=ringbuf] -L shows that thread only" "thread $worker of $t: $(head -c 300 "$TMP/l")"
fi
check_path "profile [avoid=ringbuf] takes the perf buffer" "$TMP/l.err" buffer=perfbuf
matrix_line profile avoid=ringbuf "$TMP/l.err" "cpu-clock=perf_event"
kill_hogs

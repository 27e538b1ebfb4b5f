# cpufreq in the guest: qemu gives it no cpufreq driver, which it must say in
# one line.  With a stand-in for the driver's sysfs (BPFSCOPE_CPUFREQ_SYSFS),
# a CPU hog pinned to CPU 1 is sampled at CPU 1's frequency, with the
# frequency tracepoint hooked through each kind: over 2 s of the trace, at
# least half of 99 samples a second of the time CPU 1 accounted (its ticks; no
# fixed count holds: a guest whose host thread waits for a host CPU misses
# timer interrupts).
. /tests/lib.sh

if [ -e /sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq ]; then
	cpufreq -d 1 >"$TMP/hw" 2>"$TMP/hw.err"
	if [ $? = 0 ] && grep -q syswide "$TMP/hw"; then ok "cpufreq: the guest's driver is sampled"
	else fail "cpufreq: the guest's driver is sampled" "$(tail -n 2 "$TMP/hw.err")"; fi
else
	cpufreq -d 1 >"$TMP/hw" 2>"$TMP/hw.err"
	rc=$?
	if [ $rc = 1 ] && [ "$(wc -l <"$TMP/hw.err")" = 1 ] &&
		grep -q '^cpufreq: this machine has no cpufreq driver' "$TMP/hw.err"; then
		ok "cpufreq: no cpufreq driver in this guest: one line naming it"
	else
		fail "cpufreq: no cpufreq driver in this guest: one line" "status $rc: $(cat "$TMP/hw.err")"
	fi
fi

mkdir -p "$TMP/sys/cpu0/cpufreq" "$TMP/sys/cpu1/cpufreq"
echo 1234000 >"$TMP/sys/cpu0/cpufreq/scaling_cur_freq"
echo 2345000 >"$TMP/sys/cpu1/cpufreq/scaling_cur_freq"
export BPFSCOPE_CPUFREQ_SYSFS=$TMP/sys


# at FILE NAME LOW: NAME's samples in the slot from LOW; any slot without LOW.
at() {
	awk -v n="$2" -v low="$3" '$1 == n && $2 == ":" { on = 1; next } /^$/ { on = 0 }
		on && $2 == "->" && (low == "" || $1 == low) { c += $5 } END { print c + 0 }' "$1"
}

for path in best avoid=tp_btf avoid=tp_btf,raw_tp; do
	case $path in
	best) want=tp_btf ;;
	avoid=tp_btf) want=raw_tp ;;
	*) want=tracepoint ;;
	esac
	taskset -c 1 spin 600 &
	hogs=$!
	rc="none (did not start)" t0=0 t1=0
	if BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" cpufreq -v; then
		t0=$(cpu_accounted 1)
		sleep 2
		t1=$(cpu_accounted 1)
		stop_tool
		rc=$?
	fi
	kill_hogs
	min=$(samples_floor $t0 $t1)
	n=$(at "$TMP/out" spin 2200)
	if [ "$rc" = 0 ] && [ "$n" -ge $min ] && [ "$(at "$TMP/out" spin)" = "$n" ]; then
		ok "cpufreq [$path]: a hog on CPU 1 sampled $n times (>= $min), all at 2345 MHz"
	else
		fail "cpufreq [$path]: a hog on CPU 1 at 2345 MHz" \
			"status $rc, $n of >= $min (CPU 1 accounted $((t1 - t0))0 ms in 2 s): $(head -c 300 "$TMP/out") $(tail -n 2 "$TMP/out.err")"
	fi
	check_path "cpufreq [$path]: cpu_frequency via $want" "$TMP/out.err" cpu_frequency=$want \
		cpu-clock=perf_event
	matrix_line cpufreq "$path" "$TMP/out.err"
done

#!/bin/bash
# cpufreq: without a cpufreq driver (this VM) it says so in one line and exits
# 1.  The rest runs with BPFSCOPE_CPUFREQ_SYSFS, a stand-in for the driver's
# sysfs giving CPU 0 and CPU 1 random frequencies: busy loops with unique
# names pinned to each must be sampled at their CPU's frequency, 99 (or -f)
# times a second of their CPU time, and -c must keep the one in its cgroup.
# serial: its busy loops fill both CPUs for 2 s
. "$(dirname "$0")/../lib.sh"
need taskset jq nproc

[ "$(nproc)" -ge 2 ] || skip_all "needs 2 CPUs"

# 1. This machine's driver, or the one line saying there is none.
if [ -e /sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq ]; then
	"$BIN/cpufreq" -d 1 >"$TMP/hw" 2>"$TMP/hw.err"
	rc=$?
	if [ $rc = 0 ] && grep -q 'syswide' "$TMP/hw"; then
		ok "cpufreq: samples this machine's frequencies"
	else
		fail "cpufreq: samples this machine's frequencies" "status $rc: $(head -c 300 "$TMP/hw" "$TMP/hw.err")"
	fi
else
	"$BIN/cpufreq" -d 1 >"$TMP/hw" 2>"$TMP/hw.err"
	rc=$?
	if [ $rc = 1 ] && [ ! -s "$TMP/hw" ] && [ "$(wc -l <"$TMP/hw.err")" = 1 ] &&
		grep -q '^cpufreq: this machine has no cpufreq driver (no /sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq)' "$TMP/hw.err"; then
		ok "cpufreq: no cpufreq driver here: one line naming it, status 1"
	else
		fail "cpufreq: no cpufreq driver here: one line naming it" "status $rc: $(cat "$TMP/hw" "$TMP/hw.err")"
	fi
fi

# The stand-in: CPU 0 at f0 MHz, CPU 1 at f1 MHz (different 200 MHz slots).
f0=$((1000 + 200 * (RANDOM % 5) + RANDOM % 200))
f1=$((2200 + 200 * (RANDOM % 5) + RANDOM % 200))
for c in 0 1; do
	mkdir -p "$TMP/sys/cpu$c/cpufreq"
	eval echo "\$((f$c * 1000))" >"$TMP/sys/cpu$c/cpufreq/scaling_cur_freq"
done
export BPFSCOPE_CPUFREQ_SYSFS=$TMP/sys

# Busy loops with unique names: a on CPU 0 (in a cgroup v2 of its own), b on CPU 1.
a=cfa$$_$RANDOM
b=cfb$$_$RANDOM
cp "$(command -v yes)" "$TMP/$a"
cp "$(command -v yes)" "$TMP/$b"
cg2=$(mount -t cgroup2 | awk 'NR == 1 { print $3 }')
[ -n "$cg2" ] || skip_all "needs a cgroup v2 mount"
cg=$cg2/$(marker cf)
mkdir "$cg" || bail_out "cpufreq: cgroup" "cannot create $cg"
on_exit "rmdir $cg"
# (nice -5: enough CPU time to count on a machine shared with other work)
nice -n -5 taskset -c 0 "$TMP/$a" >/dev/null &
pa=$!
echo $pa >"$cg/cgroup.procs"
nice -n -5 taskset -c 1 "$TMP/$b" >/dev/null &
pb=$!
# (killed and reaped before the cgroup is removed: rmdir fails while it has members)
on_exit "kill -KILL $pa $pb; wait $pa $pb"
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

"$BIN/cpufreq" -v -d 2 --json >"$TMP/def" 2>"$TMP/def.err" &
p1=$!
"$BIN/cpufreq" -f 199 -d 2 --json >"$TMP/f" 2>"$TMP/f.err" &
p2=$!
"$BIN/cpufreq" -c "$cg" -d 2 >"$TMP/cg" 2>"$TMP/cg.err" &
p3=$!
sleep 0.1
ta=$(ticks $pa)
tb=$(ticks $pb)
wait $p1
r1=$?
wait $p2
r2=$?
wait $p3
r3=$?
ta=$(($(ticks $pa) - ta))
tb=$(($(ticks $pb) - tb))

# count FILE NAME LOW: samples of NAME (or "syswide") in the slot starting at LOW; any slot without LOW.
count() {
	jq --arg n "$2" --argjson l "${3:-null}" \
		'[(if $n == "syswide" then .syswide else (.hists[] | select(.comm == $n) | .hist) end)
		  | .buckets[] | select($l == null or .low == $l) | .count] | add // 0' "$1"
}
within() { [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]; }
s0=$((f0 / 200 * 200))
s1=$((f1 / 200 * 200))

na=$(count "$TMP/def" "$a" $s0)
nb=$(count "$TMP/def" "$b" $s1)
wa=$((99 * ta / 100))
wb=$((99 * tb / 100))
# (Counts against the CPU time the loops got, which on a loaded machine may be
# little: ticks and samples both sample it, hence the margins.)
if [ $r1 = 0 ] && [ "$na" -ge 5 ] && within "$na" $((wa * 5 / 10 - 5)) $((wa * 15 / 10 + 5)) &&
	[ "$(count "$TMP/def" "$a")" = "$na" ]; then
	ok "cpufreq: $a on CPU 0: $na samples, all at $f0 MHz ($s0 slot; its CPU time: $wa samples)"
else
	fail "cpufreq: $a on CPU 0 at $f0 MHz" "status $r1, $na in slot $s0 of $(count "$TMP/def" "$a"), want ~$wa: $(head -c 300 "$TMP/def") $(tail -n 2 "$TMP/def.err")"
fi
if [ "$nb" -ge 5 ] && within "$nb" $((wb * 5 / 10 - 5)) $((wb * 15 / 10 + 5)) && [ "$(count "$TMP/def" "$b")" = "$nb" ]; then
	ok "cpufreq: $b on CPU 1: $nb samples, all at $f1 MHz"
else
	fail "cpufreq: $b on CPU 1 at $f1 MHz" "$nb in slot $s1 of $(count "$TMP/def" "$b"), want ~$wb"
fi
# The system: both CPUs, 99 a second each (and the first samples of a frequency-mode
# perf event, while the kernel finds its period), only the two frequencies.
sys=$(count "$TMP/def" syswide)
if within "$sys" 300 460 && [ $(($(count "$TMP/def" syswide $s0) + $(count "$TMP/def" syswide $s1))) = "$sys" ]; then
	ok "cpufreq: syswide: $sys samples in 2 s on 2 CPUs, at $f0 and $f1 MHz only"
else
	fail "cpufreq: syswide" "$sys samples: $(jq -c .syswide "$TMP/def")"
fi
# -f 199: twice the samples of the system, a's still all at f0.
fs=$(count "$TMP/f" syswide)
fa=$(count "$TMP/f" "$a" $s0)
if [ $r2 = 0 ] && within "$fs" 600 900 && [ "$fa" -ge 1 ] && [ "$(count "$TMP/f" "$a")" = "$fa" ]; then
	ok "cpufreq -f 199: $fs samples in 2 s on 2 CPUs (99 Hz: $sys), $a's $fa at $f0 MHz"
else
	fail "cpufreq -f 199" "status $r2, $fs samples in 2 s, $a's: $fa in slot $s0 of $(count "$TMP/f" "$a")"
fi
check_path "cpufreq: cpu_frequency via tp_btf, cpu-clock perf events" "$TMP/def.err" \
	cpu_frequency=tp_btf cpu-clock=perf_event core=cut

# -c (text): a's histogram at f0 and nothing of b; BCC's layout, the command name over its histogram.
if [ $r3 = 0 ] && grep -qE "^ +$a +: count +distribution" "$TMP/cg" &&
	grep -qE "^ +$s0 -> $((s0 + 199)) +: [1-9]" "$TMP/cg" && ! grep -q "$b" "$TMP/cg" &&
	grep -qE '^ +syswide +: count' "$TMP/cg" && ! grep -qE "^ +$s1 -> " "$TMP/cg"; then
	ok "cpufreq -c CGROUP: $a only"
else
	fail "cpufreq -c CGROUP: $a only" "status $r3: $(head -c 500 "$TMP/cg") $(cat "$TMP/cg.err")"
fi
kill $pa $pb
wait $pa $pb 2>/dev/null

# The fallbacks for the frequency tracepoint, each confirmed by -v.
for avoid in tp_btf tp_btf,raw_tp; do
	want=raw_tp
	[ $avoid = tp_btf,raw_tp ] && want=tracepoint
	BPFSCOPE_AVOID=$avoid start_tool "$TMP/av" cpufreq -v
	stop_tool
	rc=$?
	check_path "cpufreq: BPFSCOPE_AVOID=$avoid takes $want (status $rc)" "$TMP/av.err" cpu_frequency=$want
done
BPFSCOPE_AVOID=tp_btf,raw_tp,tracepoint "$BIN/cpufreq" >/dev/null 2>"$TMP/e"
rc=$?
if [ $rc = 1 ] && [ "$(wc -l <"$TMP/e")" = 1 ] && grep -q '^cpufreq: .*cpu_frequency' "$TMP/e"; then
	ok "cpufreq: no usable hook: one line naming what each lacks"
else
	fail "cpufreq: no usable hook: one line" "status $rc: $(cat "$TMP/e")"
fi

# Stops and unwritable output, on the stand-in (test_common cannot run them here).
check_clean_stop "cpufreq: SIGINT after attach leaves nothing" INT ready cpufreq
check_clean_stop "cpufreq: SIGTERM 0.05 s after start leaves nothing" TERM 0.05 cpufreq
"$BIN/cpufreq" -d 1 >/dev/full 2>"$TMP/full.err"
rc=$?
if [ $rc = 1 ] && grep -q '^cpufreq: cannot write the output: No space left on device' "$TMP/full.err"; then
	ok "cpufreq: output to a full device is an error"
else
	fail "cpufreq: output to a full device is an error" "status $rc: $(cat "$TMP/full.err")"
fi

#!/bin/bash
# runqlen: three busy loops pinned to CPU 1 in a cpu cgroup of their own keep
# two of them waiting on that group's run queue whenever one runs: CPU 1's
# samples must say 2, as many as 99 (or -f) a second of their CPU time; with
# one loop left, 0.  -H counts the whole CPU's queue (a fourth loop outside
# the group: 3), -O the occupancy.
# serial: its busy loops fill CPU 1 for the whole file
. "$(dirname "$0")/../lib.sh"
need taskset jq nproc

[ "$(nproc)" -ge 2 ] || skip_all "needs 2 CPUs"
m=$(marker rql)
name=rql$$_$RANDOM # comm of the busy loops: unique to this run, < 16 chars
cp "$(command -v yes)" "$TMP/$name"

# A cpu cgroup for the loops (v1 cpu hierarchy, else v2 with the cpu controller).
cg=
if [ -w /sys/fs/cgroup/cpu/cgroup.procs ]; then
	cg=/sys/fs/cgroup/cpu/$m
else
	for d in /sys/fs/cgroup/unified /sys/fs/cgroup; do
		grep -qw cpu "$d/cgroup.subtree_control" 2>/dev/null && cg=$d/$m && break
	done
fi
[ -n "$cg" ] && mkdir "$cg" || skip_all "no cpu cgroup to put the busy loops in"
on_exit "rmdir $cg"
# Ten times the default weight: on a machine shared with other work, CPU 1's
# samples are then mostly of the loops (whose group the default mode reads).
echo 10240 >"$cg/cpu.shares" 2>/dev/null || echo 1000 >"$cg/cpu.weight"

hogs=()
for i in 1 2 3; do
	taskset -c 1 "$TMP/$name" >/dev/null &
	hogs+=($!)
	echo $! >"$cg/cgroup.procs"
done
# A fourth outside the group: the CPU's queue holds 4 (-H: 3 waiting), a group's 3 or 2.
taskset -c 1 "$TMP/$name" >/dev/null &
outside=$!
# (killed and reaped before the cgroup is removed: rmdir fails while it has members)
on_exit "kill -KILL ${hogs[*]} $outside; wait ${hogs[*]} $outside"
sleep 0.2

# ticks PID...: CPU time used by the processes, in 1/100 s.
ticks() {
	local p n=0
	for p in "$@"; do n=$((n + $(awk '{ print $14 + $15 }' "/proc/$p/stat"))); done
	echo $n
}
# bucket FILE CPU LOW: the count of that bucket in CPU's histogram (--json -C).
bucket() {
	jq -s --argjson c "$2" --argjson l "$3" \
		'[.[].hists[] | select(.cpu == $c) | .hist.buckets[] | select(.low == $l) | .count] | add // 0' "$1"
}
# from FILE CPU LOW: samples of LOW and more.
from() {
	jq -s --argjson c "$2" --argjson l "$3" \
		'[.[].hists[] | select(.cpu == $c) | .hist.buckets[] | select(.low >= $l) | .count] | add // 0' "$1"
}
cpu_total() { from "$1" "$2" 0; }
# within N LOW HIGH
within() { [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]; }

# Four runs side by side over the same 2 s: default, -H, -f 199, and -H -O -T text.
# The loops' CPU time is counted over the default run's sampling: from its
# ready point (it samples from there for 2 s) to its exit, not from its launch
# (a slow start-up would count time it did not sample).  rc: 0 if all exit 0.
run_all() {
	local tag=$1 def p pid i
	rm -f "$TMP/$tag.ready"
	BPFSCOPE_READY_FILE=$TMP/$tag.ready "$BIN/runqlen" -C --json 2 1 >"$TMP/$tag.def" 2>"$TMP/$tag.def.err" &
	def=$!
	"$BIN/runqlen" -H -C --json 2 1 >"$TMP/$tag.host" 2>"$TMP/$tag.host.err" &
	p=$!
	"$BIN/runqlen" -f 199 -C --json 2 1 >"$TMP/$tag.f" 2>"$TMP/$tag.f.err" &
	p="$p $!"
	"$BIN/runqlen" -H -C -O -T 1 2 >"$TMP/$tag.occ" 2>"$TMP/$tag.occ.err" &
	p="$p $!"
	for ((i = 0; i < 1000; i++)); do
		[ -e "$TMP/$tag.ready" ] && break
		kill -0 $def 2>/dev/null || break
		sleep 0.01
	done
	t0=$(ticks "${@:2}")
	wait $def
	rc=$?
	t1=$(ticks "${@:2}")
	want=$((99 * (t1 - t0) / 100)) # samples while the loops ran
	[ -e "$TMP/$tag.ready" ] || rc="$rc (not ready)"
	for pid in $p; do
		wait $pid || rc="$rc $pid:$?"
	done
}

run_all three "${hogs[@]}"
n2=$(bucket "$TMP/three.def" 1 2)
all1=$(cpu_total "$TMP/three.def" 1)
if [ "$rc" = 0 ] && [ "$want" -ge 40 ] && within "$n2" $((want * 6 / 10 - 5)) $((want * 14 / 10 + 5)); then
	ok "runqlen -C: 3 loops on CPU 1 -> length 2 in $n2 samples (their CPU time: $want)"
else
	fail "runqlen -C: 3 loops on CPU 1 -> length 2" "rc=$rc len2=$n2 of $all1, want ~$want: $(head -c 400 "$TMP/three.def") $(cat "$TMP/three.def.err")"
fi
# -H: the CPU's whole queue holds the four loops whatever runs: 3 or more in every
# sample, which the default (the running task's group, or the root queue with the
# group as one entry) never reads for them.
h3=$(from "$TMP/three.host" 1 3)
hall=$(cpu_total "$TMP/three.host" 1)
d3=$(from "$TMP/three.def" 1 3)
if [ "$hall" -ge 150 ] && [ "$h3" -ge $((hall * 95 / 100)) ] && [ "$d3" -le $((all1 / 10)) ]; then
	ok "runqlen -H: CPU 1 length >= 3 in $h3 of $hall samples (without -H: $d3 of $all1)"
else
	fail "runqlen -H: CPU 1 length >= 3 in every sample" "$h3 of $hall, without -H $d3 of $all1: $(head -c 400 "$TMP/three.host")"
fi
# The cpu-clock fires 99 (default) or 199 (-f 199) times a second on a busy CPU.
f1=$(cpu_total "$TMP/three.f" 1)
if within "$all1" 150 250 && within "$f1" 320 480; then
	ok "runqlen -f 199: CPU 1 sampled $f1 times in 2 s ($all1 at the default 99 Hz)"
else
	fail "runqlen -f 199" "CPU 1: $f1 samples at -f 199, $all1 at 99 Hz, in 2 s"
fi
# -O -T: two summaries, each a time line and a line per CPU; with -H, CPU 1 always has a queue.
occ=$(sed -n 's/^runqocc, CPU 1 *\([0-9.]*\)%$/\1/p' "$TMP/three.occ")
if [ "$(grep -cE '^[0-9]{2}:[0-9]{2}:[0-9]{2}$' "$TMP/three.occ")" = 2 ] &&
	[ "$(wc -l <<<"$occ")" = 2 ] && grep -q '^runqocc, CPU 0 ' "$TMP/three.occ" &&
	awk '$1 < 90 { bad = 1 } END { exit bad }' <<<"$occ"; then
	ok "runqlen -H -C -O -T 1 2: CPU 1 occupancy $(echo $occ)%"
else
	fail "runqlen -H -C -O -T 1 2" "$(cat "$TMP/three.occ" "$TMP/three.occ.err")"
fi

# One loop left: nothing waits in its group: length 0.
kill "${hogs[1]}" "${hogs[2]}" $outside
wait "${hogs[1]}" "${hogs[2]}" $outside 2>/dev/null
run_all one "${hogs[0]}"
n0=$(bucket "$TMP/one.def" 1 0)
n2=$(from "$TMP/one.def" 1 2)
if [ "$rc" = 0 ] && [ "$want" -ge 40 ] && within "$n0" $((want * 6 / 10 - 5)) $((want * 14 / 10 + 5)) &&
	[ "$n2" -lt $((want / 5 + 5)) ]; then
	ok "runqlen -C: 1 loop on CPU 1 -> length 0 in $n0 samples, 2+ in $n2 (CPU time: $want)"
else
	fail "runqlen -C: 1 loop on CPU 1 -> length 0" "rc=$rc len0=$n0 len2+=$n2 want ~$want: $(head -c 400 "$TMP/one.def")"
fi

# Text: BCC's layout, a "cpu = N" line over each CPU's histogram; without -C one histogram.
"$BIN/runqlen" 1 1 >"$TMP/text" 2>&1
if [ "$(grep -c 'runqlen *: count' "$TMP/text")" = 1 ] && ! grep -q '^cpu = ' "$TMP/text" &&
	grep -qE '^ +0 +: [0-9]+ ' "$TMP/text" && grep -q '^Sampling run queue length' "$TMP/text"; then
	ok "runqlen 1 1: one histogram of every CPU"
else
	fail "runqlen 1 1: one histogram of every CPU" "$(head -c 400 "$TMP/text")"
fi
"$BIN/runqlen" -C 1 1 >"$TMP/textc" 2>&1
if grep -q '^cpu = 0$' "$TMP/textc" && grep -q '^cpu = 1$' "$TMP/textc"; then
	ok "runqlen -C: a section per CPU"
else
	fail "runqlen -C: a section per CPU" "$(head -c 400 "$TMP/textc")"
fi

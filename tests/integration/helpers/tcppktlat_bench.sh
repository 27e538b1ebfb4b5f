#!/bin/bash
# Per-round-trip cost of tcppktlat (two segments received and two reads per
# round trip: bench/storm.c's tcp mode) against no tracing; no peer runs here
# (libbpf-tools 0.26 has no tcppktlat, bpftrace no .bt).  Interleaved rounds;
# medians of the storm's ns per round trip (elapsed, CPU) and the tool's CPU.
#	sudo tests/integration/helpers/tcppktlat_bench.sh [ROUNDS] [N]
TOP=$(cd "$(dirname "$0")/../../.." && pwd)
ROUNDS=${1:-5} N=${2:-20000}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
cc -O2 -pthread -o "$OUT/storm" "$TOP/bench/storm.c" || exit 1

ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
run() { # NAME CMD...: one round; appends "elapsed cpu tool_ns_per_op" to OUT/NAME
	local name=$1 pid= t0=0 t1
	shift
	if [ $# -gt 0 ]; then
		"$@" >/dev/null 2>&1 &
		pid=$!
		sleep 1
		t0=$(ticks $pid)
	fi
	read -r el cpu < <("$OUT/storm" tcp "$N")
	if [ -n "$pid" ]; then
		sleep 0.5
		t1=$(ticks $pid)
		kill -INT $pid
		wait $pid
	fi
	echo "$el $cpu $(((${t1:-0} - t0) * 10000000 / N))" >>"$OUT/$name"
}
for ((r = 0; r < ROUNDS; r++)); do
	run none
	run bpfscope "$TOP/bin/tcppktlat"
	run bpfscope_min "$TOP/bin/tcppktlat" 1000000
done
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
for name in none bpfscope bpfscope_min; do
	printf '%-12s elapsed %6s ns  cpu %6s ns  tool %6s ns/round trip\n' "$name" \
		"$(cut -d' ' -f1 "$OUT/$name" | median)" "$(cut -d' ' -f2 "$OUT/$name" | median)" \
		"$(cut -d' ' -f3 "$OUT/$name" | median)"
done

#!/bin/bash
# Per-drop cost of tcpdrop against no tracing and a bpftrace one-liner doing
# comparable work (a kernel stack per drop: /usr/sbin/tcpdrop.bt itself does
# not compile with bpftrace 0.17 here).  Interleaved rounds; prints, per
# configuration, the median over ROUNDS of the storm's ns per connect
# (elapsed, CPU) and the tracer's CPU ns per drop.
#	sudo tests/integration/helpers/tcpdrop_bench.sh [ROUNDS] [N]
TOP=$(cd "$(dirname "$0")/../../.." && pwd)
ROUNDS=${1:-5} N=${2:-20000} PORT=9
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
cc -O2 -o "$OUT/storm" "$TOP/tests/integration/helpers/tcpdrop_storm.c" || exit 1
BT='tracepoint:skb:kfree_skb /args->reason > 2/ { printf("%d %s\n", args->reason, kstack); }'

ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
run() { # NAME CMD...: one round; appends "elapsed cpu tracer_ns_per_op" to OUT/NAME
	local name=$1 pid= t0=0 t1
	shift
	if [ $# -gt 0 ]; then
		"$@" >/dev/null 2>&1 &
		pid=$!
		sleep 2 # attached (bpftrace compiles first)
		t0=$(ticks $pid)
	fi
	read -r el cpu < <("$OUT/storm" "$N" $PORT)
	if [ -n "$pid" ]; then
		sleep 0.5 # the last events printed
		t1=$(ticks $pid)
		kill -INT $pid
		wait $pid
	fi
	echo "$el $cpu $(((${t1:-0} - t0) * 10000000 / N))" >>"$OUT/$name"
}
for ((r = 0; r < ROUNDS; r++)); do
	run none
	run bpfscope "$TOP/bin/tcpdrop"
	run bpftrace bpftrace -e "$BT"
done
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
for name in none bpfscope bpftrace; do
	printf '%-9s elapsed %6s ns  cpu %6s ns  tracer %6s ns/drop\n' "$name" \
		"$(cut -d' ' -f1 "$OUT/$name" | median)" "$(cut -d' ' -f2 "$OUT/$name" | median)" \
		"$(cut -d' ' -f3 "$OUT/$name" | median)"
done

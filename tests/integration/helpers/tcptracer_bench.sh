#!/bin/bash
# The cost tcptracer and tcpsubnet add, against their peers that run on this
# kernel, in interleaved rounds; prints medians.  Not part of the test suite:
#	sudo tests/integration/helpers/tcptracer_bench.sh [ROUNDS] [N]
# tcptracer: a loopback connect/accept/close storm (tcptracer_storm.c), added
# ns per connection; tcpsubnet: bench/storm.c's tcp round trips (two sends
# each), added ns per round trip.  Tools write to /dev/null.
set -u
TOP=$(cd "$(dirname "$0")/../../.." && pwd)
ROUNDS=${1:-7}
N=${2:-20000}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cc -O2 -o "$W/connstorm" "$TOP/tests/integration/helpers/tcptracer_storm.c" || exit 1
cc -O2 -pthread -o "$W/storm" "$TOP/bench/storm.c" || exit 1

BT_STATES='tracepoint:sock:inet_sock_set_state { printf("%d %s %d %d\n", pid, comm, args->oldstate, args->newstate); }'
BT_SENDS='tracepoint:sock:sock_send_length /args->ret > 0/ { @[args->family] = sum(args->ret); }'
# NAME|WORKLOAD|COMMAND (empty: nothing attached)
CONFIGS="none|conn|
tcptracer|conn|$TOP/bin/tcptracer
tcpstates(libbpf-tools)|conn|/usr/sbin/tcpstates
tcplife(libbpf-tools)|conn|/usr/sbin/tcplife
bpftrace(inet_sock_set_state printf)|conn|bpftrace -e '$BT_STATES'
none|send|
tcpsubnet|send|$TOP/bin/tcpsubnet -i 1
bpftrace(sock_send_length sum)|send|bpftrace -e '$BT_SENDS'"

run() { # workload: prints "elapsed_ns cpu_ns" per operation
	if [ "$1" = conn ]; then "$W/connstorm" "$N"; else "$W/storm" tcp "$N" | tail -n 1; fi
}

for ((r = 1; r <= ROUNDS; r++)); do
	while IFS='|' read -r name wl cmd; do
		pid=
		if [ -n "$cmd" ]; then
			rm -f "$W/ready"
			BPFSCOPE_READY_FILE=$W/ready bash -c "exec $cmd" >/dev/null 2>"$W/err" &
			pid=$!
			for ((i = 0; i < 60; i++)); do [ -e "$W/ready" ] && break; sleep 0.05; done
			[ -e "$W/ready" ] || sleep 1.5 # the peers say nothing when attached
		fi
		echo "$wl|$name|$(run "$wl")" >>"$W/results"
		[ -n "$pid" ] && kill -INT "$pid" && wait "$pid" 2>/dev/null
	done <<<"$CONFIGS"
done

# Medians of the added cost (each run minus the same round's bare run).
awk -F'|' -v rounds="$ROUNDS" '
	{ split($3, v, " "); i = ++n[$1 "|" $2]; t[$1 "|" $2, i] = v[1]; c[$1 "|" $2, i] = v[2]
	  if (!(($1 "|" $2) in seen)) { seen[$1 "|" $2] = 1; order[++k] = $1 "|" $2 } }
	function median(a, m,   i, j, x) {
		for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { x = a[i]; a[i] = a[j]; a[j] = x }
		return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
	}
	END {
		for (q = 1; q <= k; q++) {
			key = order[q]; split(key, p, "|")
			for (i = 1; i <= rounds; i++) {
				dt[i] = t[key, i] - t[p[1] "|none", i]; dc[i] = c[key, i] - c[p[1] "|none", i]
				bt[i] = t[key, i]
			}
			printf "%-5s %-38s per-op %7.0f ns  added %7.0f ns  added CPU %7.0f ns\n", p[1], p[2], median(bt, rounds), median(dt, rounds), median(dc, rounds)
		}
	}' "$W/results"

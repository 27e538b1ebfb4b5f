#!/bin/bash
# The cost tcptracer and tcpsubnet add, against peers that run on this kernel,
# in interleaved rounds; prints medians.  Not part of the test suite:
#	sudo tests/integration/helpers/tcptracer_bench.sh [ROUNDS] [N]
# tcptracer: a loopback connect/accept/close storm (tcptracer_storm.c), per
# connection; tcpsubnet: bench/storm.c's tcp round trips (two sends each), per
# round trip.  Tools write to /dev/null.  BPF: run time and runs of the
# programs the tool's process holds, from the kernel's BPF statistics, on
# while this runs (a BPF_ENABLE_STATS descriptor: the sysctl is not touched).
set -u
TOP=$(cd "$(dirname "$0")/../../.." && pwd)
ROUNDS=${1:-5}
N=${2:-20000}
W=$(mktemp -d)
cc -O2 -o "$W/connstorm" "$TOP/tests/integration/helpers/tcptracer_storm.c" || exit 1
cc -O2 -pthread -o "$W/storm" "$TOP/bench/storm.c" || exit 1
/usr/bin/python3 -c '
import ctypes, signal, sys
attr = (ctypes.c_uint8 * 16)()  # enable_stats.type = BPF_STATS_RUN_TIME
if ctypes.CDLL(None).syscall(321, 32, ctypes.byref(attr), 16) < 0:  # bpf(BPF_ENABLE_STATS)
    sys.exit("cannot enable BPF statistics")
open(sys.argv[1], "w").close()
signal.pause()' "$W/stats" &
STATS=$!
trap 'kill $STATS; rm -rf "$W"' EXIT
for ((i = 0; i < 50; i++)); do [ -e "$W/stats" ] && break; sleep 0.1; done

BT_STATES='tracepoint:sock:inet_sock_set_state { printf("%d %s %d %d\n", pid, comm, args->oldstate, args->newstate); }'
BT_SENDS='tracepoint:sock:sock_send_length /args->ret > 0/ { @[args->family] = sum(args->ret); }'
# NAME|WORKLOAD|COMMAND (empty: nothing attached)
CONFIGS="none|conn|
tcptracer|conn|$TOP/bin/tcptracer
tcpstates(libbpf-tools)|conn|/usr/sbin/tcpstates
tcplife(libbpf-tools)|conn|/usr/sbin/tcplife
bpftrace(inet_sock_set_state printf)|conn|bpftrace -e '$BT_STATES'
none|send|
tcpsubnet|send|$TOP/bin/tcpsubnet
bpftrace(sock_send_length sum)|send|bpftrace -e '$BT_SENDS'"

# bpf_totals PID: "run_time_ns runs" of the programs PID holds.
bpf_totals() {
	local id
	for id in $(grep -h '^prog_id' /proc/"$1"/fdinfo/* 2>/dev/null | awk '{ print $2 }' | sort -u); do
		bpftool prog show id "$id" -j | jq -r '"\(.run_time_ns // 0) \(.run_cnt // 0)"'
	done | awk '{ t += $1; c += $2 } END { print t + 0, c + 0 }'
}
workload() { # "elapsed_ns cpu_ns" per operation
	if [ "$1" = conn ]; then "$W/connstorm" "$N"; else "$W/storm" tcp "$N" | tail -n 1; fi
}

for ((r = 1; r <= ROUNDS; r++)); do
	while IFS='|' read -r name wl cmd; do
		pid= b0="0 0" b1="0 0"
		if [ -n "$cmd" ]; then
			rm -f "$W/ready"
			BPFSCOPE_READY_FILE=$W/ready bash -c "exec $cmd" >/dev/null 2>"$W/err" &
			pid=$!
			for ((i = 0; i < 60; i++)); do [ -e "$W/ready" ] && break; sleep 0.05; done
			[ -e "$W/ready" ] || sleep 2 # the peers say nothing when attached
			b0=$(bpf_totals "$pid")
		fi
		w=$(workload "$wl")
		[ -n "$pid" ] && b1=$(bpf_totals "$pid") && kill -INT "$pid" && wait "$pid" 2>/dev/null
		echo "$wl|$name|$w $b0 $b1" >>"$W/results"
	done <<<"$CONFIGS"
done

# Medians; "added": each run minus the same round's bare run.
awk -F'|' -v rounds="$ROUNDS" -v n="$N" '
	{ key = $1 "|" $2; split($3, v, " "); i = ++cnt[key]
	  t[key, i] = v[1]; c[key, i] = v[2]; bt[key, i] = (v[5] - v[3]) / n; br[key, i] = (v[6] - v[4]) / n
	  if (!(key in seen)) { seen[key] = 1; order[++k] = key } }
	function median(a, m,   i, j, x) {
		for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (a[j] < a[i]) { x = a[i]; a[i] = a[j]; a[j] = x }
		return m % 2 ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
	}
	END {
		printf "%-5s %-38s %9s %9s %9s %9s %7s\n", "load", "tool", "ns/op", "added", "addedCPU", "BPFns/op", "runs/op"
		for (q = 1; q <= k; q++) {
			key = order[q]; split(key, p, "|")
			for (i = 1; i <= rounds; i++) {
				a[i] = t[key, i]; d[i] = t[key, i] - t[p[1] "|none", i]
				e[i] = c[key, i] - c[p[1] "|none", i]; f[i] = bt[key, i]; g[i] = br[key, i]
			}
			printf "%-5s %-38s %9.0f %9.0f %9.0f %9.0f %7.2f\n", p[1], p[2], median(a, rounds),
				median(d, rounds), median(e, rounds), median(f, rounds), median(g, rounds)
		}
	}' "$W/results"

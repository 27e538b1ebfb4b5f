#!/bin/bash
# What tcpconnect and tcpconnlat add per connection, against the tools that
# run here on the same tracepoint: a loopback connect/accept storm
# (tcpconnect_storm.c) with nothing attached, with each of ours, with
# libbpf-tools' tcplife and tcpstates (their tcpconnect and tcpconnlat need
# kprobes), and with bpftrace programs doing tcpconnect's and tcpconnlat's
# job on the tracepoint (tcpconnect.bt needs kprobes).  Rounds interleaved;
# medians.  Usage: tcpconnect_bench.sh [ROUNDS [CONNECTS]] (root; bin/ built).
TOP=$(cd "$(dirname "$0")/../../.." && pwd)
ROUNDS=${1:-5}
N=${2:-4000}
W=$(mktemp -d /tmp/tcbench.XXXXXX)
trap 'rm -rf "$W"' EXIT
cc -O2 -pthread -o "$W/storm" "$TOP/tests/integration/helpers/tcpconnect_storm.c" || exit 1

BT_CONNECT='tracepoint:sock:inet_sock_set_state
/args->protocol == 6 && args->oldstate == 7 && args->newstate == 2/
{ printf("%d %s %d %d\n", pid, comm, args->family, args->dport); }'
BT_CONNLAT='tracepoint:sock:inet_sock_set_state
/args->protocol == 6 && args->oldstate == 7 && args->newstate == 2/
{ @start[args->skaddr] = nsecs; @pid[args->skaddr] = pid; }
tracepoint:sock:inet_sock_set_state
/args->protocol == 6 && args->oldstate == 2 && @start[args->skaddr]/
{ if (args->newstate == 1) { printf("%d %d %d\n", @pid[args->skaddr], args->dport,
  (nsecs - @start[args->skaddr]) / 1000); }
  delete(@start[args->skaddr]); delete(@pid[args->skaddr]); }'

# run NAME CMD...: start CMD (or nothing for "base"), wait until attached, storm, stop.
run() {
	local name=$1 pid= i
	shift
	rm -f "$W/ready"
	if [ $# -gt 0 ]; then
		BPFSCOPE_READY_FILE=$W/ready "$@" >/dev/null 2>"$W/$name.err" &
		pid=$!
		for ((i = 0; i < 100; i++)); do
			[ -e "$W/ready" ] && break
			grep -q '^Attaching' "$W/$name.err" 2>/dev/null && sleep 1 && break
			sleep 0.05
		done
		[ -e "$W/ready" ] || sleep 1 # the peers do not say when they are attached
	fi
	"$W/storm" "$N" | awk -v n="$name" '{ print n, $2 }' >>"$W/results"
	if [ -n "$pid" ]; then
		kill -INT "$pid"
		wait "$pid" 2>/dev/null
	fi
}

for ((r = 1; r <= ROUNDS; r++)); do
	run base
	run tcpconnect "$TOP/bin/tcpconnect"
	run tcpconnect-L "$TOP/bin/tcpconnect" -L
	run tcpconnlat "$TOP/bin/tcpconnlat"
	run libbpf-tcplife /usr/sbin/tcplife
	run libbpf-tcpstates /usr/sbin/tcpstates
	run bpftrace-connect bpftrace -e "$BT_CONNECT"
	run bpftrace-connlat bpftrace -e "$BT_CONNLAT"
done
# Median ns per connect of each, and what it adds to the median baseline.
awk '{ v[$1] = v[$1] " " $2 } END { for (k in v) print k, v[k] }' "$W/results" |
	while read -r name vals; do
		med=$(tr ' ' '\n' <<<"$vals" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
		echo "$name $med"
	done | sort -k2 -n | awk 'NR == 1 || $1 == "base" { if ($1 == "base") b = $2 }
		{ r[NR] = $0 } END { printf "%-18s %12s %12s\n", "config", "ns/connect", "added ns";
		for (i = 1; i <= NR; i++) { split(r[i], f, " "); printf "%-18s %12d %12d\n", f[1], f[2], f[2] - b } }'

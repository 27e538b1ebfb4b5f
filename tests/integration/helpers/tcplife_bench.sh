#!/bin/bash
# Per-session cost of tcplife and tcpstates under a connect/accept storm
# (tcplife_storm.c: loopback sessions one after another), ours against
# Debian's libbpf-tools and bpftrace; rounds interleaved (order shuffled
# each round), medians reported.  Not part of the test suite (it loads the
# CPUs for about a minute):
#
#   sudo tests/integration/helpers/tcplife_bench.sh [ROUNDS [SESSIONS]]
#
# Each run goes through bench/runtool (unchanged): it starts the tool, waits
# for its header, runs the storm, stops the tool, and reports the BPF run
# time of the tool's programs and the tool's own CPU time.  "added" is the
# storm's time per session with the tool minus without it, in the same round.
# /usr/sbin/tcplife.bt needs kprobes (tcp_set_state): where it cannot attach,
# the bpftrace column is a script of ours on the same tracepoint as our tools
# (below), printing what tcpstates prints.
set -u
TOP=$(cd "$(dirname "$0")/../../.." && pwd)
ROUNDS=${1:-7}
N=${2:-3000}
[ "$(id -u)" = 0 ] || { echo "tcplife_bench: run as root" >&2; exit 1; }
TMP=$(mktemp -d /tmp/tcplife-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
cc -O2 -Wall -Wextra -Werror -o "$TMP/storm" "$TOP/tests/integration/helpers/tcplife_storm.c" &&
	cc -O2 -Wall -Wextra -Werror -o "$TMP/runtool" "$TOP/bench/runtool.c" || exit 1

cat >"$TMP/states.bt" <<'BT'
tracepoint:sock:inet_sock_set_state
/args->protocol == 6/
{
	$sk = (uint64)args->skaddr;
	$ms = @last[$sk] ? (nsecs - @last[$sk]) / 1000 : 0;
	if (args->newstate == 7) { delete(@last[$sk]); } else { @last[$sk] = nsecs; }
	printf("%x %d %s %d %d %d %d %d.%03d\n", $sk, pid, comm, args->sport, args->dport,
	       args->oldstate, args->newstate, $ms / 1000, $ms % 1000);
}
BEGIN { printf("SKADDR ready\n"); }
END { clear(@last); }
BT

# NAME|READY_REGEX|COMMAND (what each configuration runs)
CONFIGS="ours-tcplife|^PID +COMM|$TOP/bin/tcplife
libbpf-tcplife|^PID +COMM|/usr/sbin/tcplife
bpftrace-tcplife.bt|^PID +COMM|bpftrace /usr/sbin/tcplife.bt
ours-tcpstates|^SKADDR|$TOP/bin/tcpstates
libbpf-tcpstates|^SKADDR|/usr/sbin/tcpstates
bpftrace-states|^SKADDR|bpftrace $TMP/states.bt"

# Drop the configurations whose tool cannot start here, saying why.
: >"$TMP/ok"
while IFS='|' read -r name ready cmd; do
	if RUNTOOL_ERR=$TMP/err "$TMP/runtool" "$ready" "$TMP/storm 10" -- $cmd >/dev/null 2>"$TMP/rt"; then
		echo "$name|$ready|$cmd" >>"$TMP/ok"
	else
		echo "tcplife_bench: $name cannot run here: $(head -c 200 "$TMP/err" | tr '\n' ' ')" >&2
	fi
done <<<"$CONFIGS"

: >"$TMP/raw"
for ((r = 1; r <= ROUNDS; r++)); do
	{ echo "base||"; cat "$TMP/ok"; } | shuf >"$TMP/order"
	while IFS='|' read -r name ready cmd; do
		if [ "$name" = base ]; then
			echo "$r base $("$TMP/storm" "$N")" >>"$TMP/raw"
			continue
		fi
		kv=$(RUNTOOL_ERR=$TMP/err "$TMP/runtool" "$ready" "$TMP/storm $N" -- $cmd 2>/dev/null) ||
			{ echo "tcplife_bench: $name failed in round $r" >&2; continue; }
		w=$(sed -n 's/^workload=//p' <<<"$kv")
		b=$(sed -n 's/^bpf_ns=//p' <<<"$kv")
		runs=$(sed -n 's/^bpf_runs=//p' <<<"$kv")
		c=$(sed -n 's/^run_cpu_ms=//p' <<<"$kv")
		echo "$r $name $w ${b:--1} ${runs:--1} ${c:--1}" >>"$TMP/raw"
	done <"$TMP/order"
done

/usr/bin/python3 - "$TMP/raw" "$N" <<'PY'
import statistics, sys
n = int(sys.argv[2])
rows = [l.split() for l in open(sys.argv[1])]
base = {int(r[0]): float(r[2]) for r in rows if r[1] == "base"}
basecpu = {int(r[0]): float(r[3]) for r in rows if r[1] == "base"}
names = []
for r in rows:
    if r[1] != "base" and r[1] not in names:
        names.append(r[1])
med = statistics.median
print("%d sessions per run, %d rounds; medians; ns per session" % (n, len(base)))
print("%-20s %9s %9s %9s %9s %9s %9s %9s" % ("tool", "added", "addedCPU", "BPF", "BPFruns",
                                          "BPF/run", "toolCPU", "total"))
print("%-20s %9.0f %9.0f" % ("(storm alone)", med(base.values()), med(basecpu.values())))
res = {}
for name in names:
    rs = [r for r in rows if r[1] == name]
    added = med(float(r[2]) - base[int(r[0])] for r in rs)
    addcpu = med(float(r[3]) - basecpu[int(r[0])] for r in rs)
    bpf = med(float(r[4]) / n for r in rs)
    runs = med(float(r[5]) / n for r in rs)
    tool = med(float(r[6]) * 1e6 / n for r in rs)
    perrun = med(float(r[4]) / float(r[5]) for r in rs if float(r[5]) > 0)
    res[name] = (added, addcpu, bpf, runs, tool, bpf + tool, perrun)
    print("%-20s %9.0f %9.0f %9.0f %9.2f %9.0f %9.0f %9.0f" % (name, added, addcpu, bpf, runs,
                                                          perrun, tool, bpf + tool))
for ours, peers in (("ours-tcplife", ("libbpf-tcplife", "bpftrace-tcplife.bt")),
                    ("ours-tcpstates", ("libbpf-tcpstates", "bpftrace-states"))):
    for peer in peers:
        if ours in res and peer in res:
            o, p = res[ours], res[peer]
            print("%s / %s: added %.2fx, BPF %.2fx (per run %.2fx), tool CPU %.2fx, "
                  "total CPU %.2fx" % (
                ours, peer, o[0] / p[0] if p[0] else float("nan"),
                o[2] / p[2] if p[2] > 0 else float("nan"),
                o[6] / p[6] if p[6] > 0 else float("nan"),
                o[4] / p[4] if p[4] else float("nan"), o[5] / p[5] if p[5] else float("nan")))
PY

#!/bin/bash
# tcprtt_bench.sh [ROUNDS]: the cost tcprtt and tcpsynbl add, against the
# same hooks in bpftrace (libbpf-tools' tcprtt and tcpsynbl, and
# tcpsynbl.bt, need kprobes or fentry: they cannot attach on a kernel
# without them).  Interleaved rounds, medians of the workload's ns per
# operation with each tracer attached minus without, in the same round:
#   tcprtt:   bench/storm.c tcp (a byte bounced over a loopback connection:
#             two segments received per round trip);
#   tcpsynbl: tcpsynbl_storm (loopback connect + accept + close).
# Run as root from the top of the tree, after make.
set -u
TOP=$(cd "$(dirname "$0")/../../.." && pwd)
ROUNDS=${1:-7}
W=$(mktemp -d /tmp/bpfscope-rttbench.XXXXXX)
trap 'rm -rf "$W"' EXIT
cc -O2 -pthread -o "$W/storm" "$TOP/bench/storm.c" &&
	cc -O2 -o "$W/synstorm" "$TOP/tests/integration/helpers/tcpsynbl_storm.c" || exit 1

BT_RTT='tracepoint:tcp:tcp_probe { @usecs = hist(args->srtt); }'
BT_SYNBL='tracepoint:sock:inet_sock_set_state /args->newstate == 3 && args->protocol == 6/ {
	$sk = (struct sock *)args->skaddr;
	@backlog[$sk->sk_max_ack_backlog] = hist($sk->sk_ack_backlog); }'

# start KIND TOOL: attach a tracer, wait until it is ready; sets PID.
start() {
	local i
	rm -f "$W/ready" "$W/out"
	case $1 in
	ours) BPFSCOPE_READY_FILE=$W/ready "$TOP/bin/$2" >"$W/out" 2>&1 & ;;
	bt)
		if [ "$2" = tcprtt ]; then bpftrace -e "$BT_RTT" >"$W/out" 2>&1 &
		else bpftrace -e "$BT_SYNBL" >"$W/out" 2>&1 & fi
		;;
	*) PID=; return 0 ;;
	esac
	PID=$!
	for ((i = 0; i < 400; i++)); do
		[ -e "$W/ready" ] && break
		grep -q '^Attaching' "$W/out" 2>/dev/null && { sleep 0.3; break; }
		sleep 0.025
	done
}

stop() { [ -n "$PID" ] && kill -INT "$PID" && wait "$PID" 2>/dev/null; PID=; }

# bpf_of PID: "run_time_ns run_cnt" summed over the programs PID holds.
bpf_of() {
	local ids
	ids=$(sed -n 's/^prog_id:[[:space:]]*\([0-9]*\)$/\1/p' /proc/"$1"/fdinfo/* 2>/dev/null |
		sort -u | paste -sd, -)
	bpftool -j prog show 2>/dev/null | jq -r "[.[] | select(.id | IN(${ids:-0}))] |
		\"\\([.[].run_time_ns // 0] | add // 0) \\([.[].run_cnt // 0] | add // 0)\""
}

# cpu_of PID: utime + stime in ticks.
cpu_of() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

declare -A ADD CPU TOOLCPU BPFNS BPFRUN RUNS
# Per-program run time and count, as the project's bench measures them.
STATS=$(sysctl -n kernel.bpf_stats_enabled)
sysctl -qw kernel.bpf_stats_enabled=1
trap 'sysctl -qw kernel.bpf_stats_enabled=$STATS; rm -rf "$W"' EXIT
for ((r = 0; r < ROUNDS; r++)); do
	for tool in tcprtt tcpsynbl; do
		if [ $tool = tcprtt ]; then cmd=("$W/storm" tcp 100000); ops=100000
		else cmd=("$W/synstorm" 20000); ops=20000; fi
		kinds=(base ours bt)
		# rotate the order each round
		kinds=("${kinds[@]:$((r % 3))}" "${kinds[@]:0:$((r % 3))}")
		for k in "${kinds[@]}"; do
			start $k $tool
			t0=${PID:+$(cpu_of "$PID")}
			[ -n "$PID" ] && read -r b0 n0 < <(bpf_of "$PID")
			read -r ns cpu < <("${cmd[@]}")
			t1=${PID:+$(cpu_of "$PID")}
			if [ -n "$PID" ]; then
				read -r b1 n1 < <(bpf_of "$PID")
				BPFNS[$tool.$k]+="$(awk -v a=$b0 -v b=$b1 -v n=$ops 'BEGIN { printf "%.1f", (b - a) / n }') "
				BPFRUN[$tool.$k]+="$(awk -v a=$b0 -v b=$b1 -v c=$n0 -v d=$n1 \
					'BEGIN { printf "%.1f", (d > c ? (b - a) / (d - c) : 0) }') "
				RUNS[$tool.$k]+="$(awk -v c=$n0 -v d=$n1 -v n=$ops 'BEGIN { printf "%.2f", (d - c) / n }') "
			fi
			stop
			eval "v_$k=$ns c_$k=$cpu"
			[ $k != base ] && TOOLCPU[$tool.$k]+="$(awk -v a="$t0" -v b="$t1" -v n=$ops \
				'BEGIN { printf "%.1f", (b - a) * 1e7 / n }') "
		done
		for k in ours bt; do
			eval "ADD[$tool.$k]+=\"\$(awk -v a=\$v_$k -v b=\$v_base 'BEGIN { print a - b }') \""
			eval "CPU[$tool.$k]+=\"\$(awk -v a=\$c_$k -v b=\$c_base 'BEGIN { print a - b }') \""
		done
		eval "ADD[$tool.base]+=\"\$v_base \""
	done
done

median() { tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
printf '%-9s %-28s %10s %10s %8s\n' tool metric ours bpftrace ratio
for tool in tcprtt tcpsynbl; do
	for m in ADD CPU BPFNS RUNS BPFRUN TOOLCPU; do
		eval "o=\$(median <<<\"\${$m[$tool.ours]}\") b=\$(median <<<\"\${$m[$tool.bt]}\")"
		case $m in
		ADD) name="added ns/op" ;;
		CPU) name="added workload CPU ns/op" ;;
		TOOLCPU) name="tool CPU ns/op" ;;
		BPFNS) name="BPF ns/op" ;;
		RUNS) name="BPF runs/op" ;;
		BPFRUN) name="BPF ns/run" ;;
		esac
		printf '%-9s %-28s %10.2f %10.2f %7.2fx\n' $tool "$name" "$o" "$b" \
			"$(awk -v a="$o" -v b="$b" 'BEGIN { print (b > 0) ? a / b : 0 }')"
	done
	printf '%-9s %-28s %10.1f\n' $tool "baseline ns/op" "$(median <<<"${ADD[$tool.base]}")"
done
echo "rounds: $ROUNDS; raw added ns/op: tcprtt ours [${ADD[tcprtt.ours]}] bt [${ADD[tcprtt.bt]}];" \
	"tcpsynbl ours [${ADD[tcpsynbl.ours]}] bt [${ADD[tcpsynbl.bt]}]"

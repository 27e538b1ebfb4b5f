#!/bin/bash
# sudo make bench: our tools against Debian's libbpf-tools and bpftrace, side by
# side in one run, repetitions interleaved, medians reported.
#
#   bench/run.sh [-r REPS] [SCENARIO...]
#   scenarios: opensnoop execsnoop runqlat cpudist runqslower offcputime softirqs hardirqs
#              biolatency biosnoop memleak gethostlatency profile49 profile999 lost startup
#   -r sets the rounds of every scenario; by default each has its own: more where
#   the tool's cost is small beside the noise of the operation (exec, I/O).
#
# Each measurement is one JSON line in build/bench/raw.jsonl; bench/report.py
# turns them into the table (printed, build/bench/results.json, README section).
#
# runtool turns the kernel's BPF run-time statistics on for its own lifetime
# (BPF_ENABLE_STATS, counted by the kernel, off again when the last holder
# exits), so it can report what each tool's BPF programs cost: time and runs.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
OUT=$TOP/build/bench
BIN=$TOP/bin
reps=
while getopts r: o; do
	case $o in
	r) reps=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
all_scenarios=
[ $# -gt 0 ] || all_scenarios=1
scenarios=${*:-opensnoop execsnoop runqlat cpudist runqslower offcputime softirqs hardirqs biolatency \
	biosnoop memleak gethostlatency profile49 profile999 lost startup}
[ "$(id -u)" = 0 ] || { echo "bench: run as root (sudo make bench)" >&2; exit 1; }
mkdir -p "$OUT"
RAW=$OUT/raw.jsonl
: >"$RAW"
TMP=$(mktemp -d /tmp/bpfscope-bench.XXXXXX)
LOOP=
DIOFILE=
cleanup() {
	[ -n "$LOOP" ] && losetup -d "$LOOP"
	[ -n "$DIOFILE" ] && rm -f "$DIOFILE"
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

install_peers() {
	local pkgs=
	[ -x /usr/sbin/opensnoop ] || pkgs="$pkgs libbpf-tools"
	command -v bpftrace >/dev/null || pkgs="$pkgs bpftrace"
	[ -n "$pkgs" ] || return 0
	echo "bench: installing reference tools:$pkgs"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $pkgs >/dev/null 2>&1 ||
		{ apt-get update -qq >/dev/null 2>&1 &&
		  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $pkgs >/dev/null 2>&1; }
}

build_helpers() {
	cc -O2 -Wall -Wextra -Werror -o "$OUT/storm" "$TOP/bench/storm.c" -lpthread &&
		cc -O2 -Wall -Wextra -Werror -o "$OUT/runtool" "$TOP/bench/runtool.c"
}

# record KEY=VALUE...: append one JSON object to the raw file.
record() {
	python3 -c 'import json, sys
d = {}
for kv in sys.argv[1:]:
    k, _, v = kv.partition("=")
    try:
        v = float(v)
    except ValueError:
        pass
    d[k] = v
print(json.dumps(d))' "$@" >>"$RAW"
}

# Lost events a tool reported on stderr, whatever its wording: "lost N events"
# lines (libbpf-tools, bpftrace: one per occurrence) add up; ours ("tool: N
# events lost", every second and at exit) are running totals: the last counts.
lost_in() {
	python3 - "$1" <<'PY'
import re, sys
summed = total = 0
for line in open(sys.argv[1], errors="replace"):
    m = re.search(r"(?i)lost (\d+) events|lost (\d+) samples", line)
    if m:
        summed += int(next(g for g in m.groups() if g))
    m = re.search(r"(\d+) events lost", line)
    if m:
        total = int(m.group(1))
print(summed + total)
PY
}

# storm prints "WALL_NS CPU_NS" per operation; "lost" runs several storms at
# once, and their several lines make no per-operation figure.
storm_kv() {
	case $1 in
	*$'\n'*) ;;
	*' '*) echo "ns_per_op=${1%% *} cpu_ns_per_op=${1#* }" ;;
	*) echo "ns_per_op=$1" ;;
	esac
}

# run_base SCENARIO ROUND WORKLOAD: the workload alone.
run_base() {
	local v
	v=$(sh -c "$3") || return
	record scenario="$1" variant=base round="$2" $(storm_kv "$v")
}

# Why the last run_tool failed, in one line: runtool's verdict, then the tool's
# first error and its last words (bpftrace's RLIMIT_MEMLOCK warning is not one).
fail_reason() {
	local why first last
	why=$(tail -n1 "$TMP/rt.err")
	first=$(grep -v RLIMIT_MEMLOCK "$TMP/err" 2>/dev/null | grep -i -m1 error)
	last=$(grep -v '^[[:space:]]*$' "$TMP/err" 2>/dev/null | tail -n1)
	[ -z "$first" ] || why="$why: $first"
	[ -z "$last" ] || [ "$last" = "$first" ] || why="$why ... $last"
	echo "${why:0:400}"
}

# run_tool SCENARIO VARIANT ROUND READY WORKLOAD OPS CMD...: fails if the tool did not run.
run_tool() {
	local scen=$1 variant=$2 round=$3 ready=$4 work=$5 ops=$6 kv
	shift 6
	kv=$(RUNTOOL_ERR=$TMP/err "$OUT/runtool" "$ready" "$work" -- "$@" 2>"$TMP/rt.err") ||
		return 1
	record scenario="$scen" variant="$variant" round="$round" ops="$ops" \
		lost="$(lost_in "$TMP/err")" \
		$(echo "$kv" | grep -v '^workload=') \
		$(storm_kv "$(echo "$kv" | sed -n 's/^workload=//p')")
}

# try_tool ARGS...: run_tool, saying why when it fails.
try_tool() {
	run_tool "$@" || echo "bench: $1/$2 failed: $(fail_reason)" >&2
}

# scenario NAME ROUNDS OPS WORKLOAD  OURS_READY OURS_CMD  REF_READY REF_CMD
#          BT_READY BT_SCRIPT
# (an empty REF or BT command skips that peer; -r overrides ROUNDS)
scenario() {
	local name=$1 rounds=${reps:-$2} ops=$3 work=$4 oready=$5 ocmd=$6 rready=$7 rcmd=$8
	local bready=$9 bt=${10} r v
	echo "bench: $name ($rounds rounds)"
	for ((r = 0; r < rounds; r++)); do
		# Rotate the order each round so no variant always runs first.
		for v in $(printf 'base\nours\nref\nbt\n' | tail -n +$((r % 4 + 1)); printf 'base\nours\nref\nbt\n' | head -n $((r % 4))); do
			case $v in
			base) run_base "$name" "$r" "$work" ;;
			ours) try_tool "$name" ours "$r" "$oready" "$work" "$ops" $ocmd ;;
			ref)
				[ -z "$rcmd" ] ||
					try_tool "$name" ref "$r" "$rready" "$work" "$ops" $rcmd ;;
			bt)
				# bpftrace compiles the script against this kernel's headers; when
				# that fails it fails the same way every round: try it once only.
				[ -n "$bt" ] || continue
				run_tool "$name" bpftrace "$r" "$bready" "$work" "$ops" \
					bpftrace "$bt" && continue
				echo "bench: $name/bpftrace skipped: $(fail_reason)" >&2
				bt= ;;
			esac
		done
	done
}

# pid_scenario NAME ROUNDS OPS STORM_ARGS  OURS_READY OURS_CMD  REF_READY REF_CMD  BT_READY BT
# As scenario, for tools that attach to one process (uprobes in its libc): each
# run starts the storm stopped (STORM_STOPPED), the commands get its PID where
# they say {PID}, and the workload resumes it and waits for its figures.
pid_scenario() {
	local name=$1 rounds=${reps:-$2} ops=$3 args=$4 r v pid work
	local -A ready=([ours]=$5 [ref]=$7 [bpftrace]=$9) cmd=([ours]=$6 [ref]=$8 [bpftrace]=${10})
	echo "bench: $name ($rounds rounds)"
	for ((r = 0; r < rounds; r++)); do
		for v in $(printf 'base\nours\nref\nbpftrace\n' | tail -n +$((r % 4 + 1))
			printf 'base\nours\nref\nbpftrace\n' | head -n $((r % 4))); do
			[ "$v" = base ] || [ -n "${cmd[$v]}" ] || continue
			rm -f "$TMP/storm.out"
			STORM_STOPPED=1 $S $args >"$TMP/storm.out.tmp" &
			pid=$!
			until grep -q '^State:.*T' /proc/$pid/status 2>/dev/null; do sleep 0.01; done
			work="kill -CONT $pid; until [ -s $TMP/storm.out.tmp ]; do sleep 0.005; done; cat $TMP/storm.out.tmp"
			if [ "$v" = base ]; then
				run_base "$name" "$r" "$work"
			elif [ "$v" = bpftrace ]; then
				# The script names the PID too.
				sed "s/{PID}/$pid/g" "${cmd[$v]}" >"$TMP/pid.bt"
				run_tool "$name" bpftrace "$r" "${ready[$v]}" "$work" "$ops" \
					bpftrace "$TMP/pid.bt" ||
					{ echo "bench: $name/bpftrace skipped: $(fail_reason)" >&2; cmd[$v]=; }
			else
				try_tool "$name" "$v" "$r" "${ready[$v]}" "$work" "$ops" ${cmd[$v]//\{PID\}/$pid}
			fi
			kill -CONT "$pid" 2>/dev/null
			wait "$pid" 2>/dev/null
		done
	done
}

setup_loop() {
	truncate -s 256M "$TMP/disk.img"
	LOOP=$(losetup -f --show --direct-io=on "$TMP/disk.img") || LOOP=
}

# A file on the machine's own disk: its O_DIRECT reads raise the disk's
# hardware interrupts (a loop device's do not).
setup_diofile() {
	DIOFILE=$(mktemp /var/tmp/bpfscope-bench.XXXXXX) &&
		dd if=/dev/zero of="$DIOFILE" bs=1M count=64 oflag=direct status=none || DIOFILE=
}

install_peers
build_helpers || { echo "bench: cannot build the helpers" >&2; exit 1; }
S=$OUT/storm
echo x >"$TMP/file"
for s in $scenarios; do
	case $s in
	opensnoop)
		scenario opensnoop 7 200000 "$S open 200000 $TMP/file" \
			'^PID' "$BIN/opensnoop" '^PID' /usr/sbin/opensnoop '^PID' /usr/sbin/opensnoop.bt ;;
	execsnoop)
		scenario execsnoop 15 2000 "$S exec 2000 /bin/true" \
			'^PCOMM' "$BIN/execsnoop" '^PCOMM' /usr/sbin/execsnoop '^TIME' /usr/sbin/execsnoop.bt ;;
	runqlat)
		# Both threads on one CPU (the tools run anywhere): a wake-up across
		# CPUs costs an IPI and a halted vCPU's exit, whose time swings with
		# the host and with the load on the other CPU, and a tool that keeps
		# a CPU busy shortens it (negative added cost). On one CPU the round
		# trip is a plain wake-up and switch: in two paired runs the IQR of
		# the baseline fell from 17-57 % of its median to 5-10 %, and that of
		# the added cost 1.6 to 13 times. Pinning the other storms gained
		# nothing (exec, I/O: as often wider as narrower), so they run free.
		scenario runqlat 11 200000 "taskset -c $(($(nproc) - 1)) $S pingpong 200000" \
			'^Tracing' "$BIN/runqlat" '^Tracing' /usr/sbin/runqlat '^Tracing' /usr/sbin/runqlat.bt ;;
	cpudist | runqslower)
		# A context switch per wake-up, on one CPU (see runqlat).
		scenario "$s" 11 200000 "taskset -c $(($(nproc) - 1)) $S pingpong 200000" \
			'^Tracing' "$BIN/$s" '^Tracing' "/usr/sbin/$s" '' '' ;;
	offcputime)
		# A context switch per wake-up, on one CPU (see runqlat), each with its
		# stacks.  libbpf-tools' offcputime prints nothing until it ends:
		# ready once attached.  bpftrace ships no offcputime.bt: a script
		# that keeps the same stacks and times.
		cat >"$TMP/offcpu.bt" <<'BT'
tracepoint:sched:sched_switch {
	@start[args->prev_pid] = nsecs; @ks[args->prev_pid] = kstack; @us[args->prev_pid] = ustack;
	$s = @start[args->next_pid];
	if ($s) { @[@ks[args->next_pid], @us[args->next_pid], args->next_comm] = sum((nsecs - $s) / 1000);
		delete(@start[args->next_pid]); }
}
BEGIN { printf("Tracing\n"); }
BT
		scenario offcputime 11 200000 "taskset -c $(($(nproc) - 1)) $S pingpong 200000" \
			'^Tracing' "$BIN/offcputime" '@attached' /usr/sbin/offcputime '^Tracing' "$TMP/offcpu.bt" ;;
	memleak)
		# malloc(64)+free pairs in one process: memleak's uprobes and
		# uretprobes in its libc, at full sampling (-s 1) and at 1 in 100.
		# libbpf-tools 0.26 as packaged has no memleak and bpftrace ships no
		# memleak.bt: a script keeping the same size and stack per address.
		libc=$(ldd "$S" | awk '$1 ~ /^libc\.so/ { print $3 }')
		cat >"$TMP/memleak.bt" <<BT
uprobe:$libc:malloc /pid == {PID}/ { @size[tid] = arg0; }
uretprobe:$libc:malloc /pid == {PID} && @size[tid]/ { @live[retval] = (@size[tid], ustack); delete(@size[tid]); }
uprobe:$libc:free /pid == {PID}/ { delete(@live[arg0]); }
BEGIN { printf("Attaching\n"); }
BT
		# Ours ends with the process it traces, after its last report.
		RUNTOOL_MAY_END=1 pid_scenario memleak 7 200000 "malloc 200000" \
			'^Attaching' "$BIN/memleak -s 1 -p {PID}" '' '' '^Attaching' "$TMP/memleak.bt"
		RUNTOOL_MAY_END=1 pid_scenario memleak-s100 7 200000 "malloc 200000" \
			'^Attaching' "$BIN/memleak -s 100 -p {PID}" '' '' '' '' ;;
	gethostlatency)
		# getaddrinfo("localhost") calls: a uprobe and a uretprobe each.
		scenario gethostlatency 7 20000 "$S resolve 20000" \
			'^TIME' "$BIN/gethostlatency" '^TIME' /usr/sbin/gethostlatency \
			'^Tracing' /usr/sbin/gethostlatency.bt ;;
	softirqs)
		# Loopback TCP round trips: NET_RX (and timer) softirqs; bpftrace has no softirqs script.
		scenario softirqs 9 100000 "taskset -c $(($(nproc) - 1)) $S tcp 100000" \
			'^Tracing' "$BIN/softirqs" '^Tracing' /usr/sbin/softirqs '' '' ;;
	hardirqs)
		[ -n "$DIOFILE" ] || setup_diofile
		[ -n "$DIOFILE" ] &&
			scenario hardirqs 9 20000 "$S dio 20000 $DIOFILE" \
				'^Tracing' "$BIN/hardirqs" '^Tracing' /usr/sbin/hardirqs '' '' ;;
	biosnoop)
		# The request path with the submitter; libbpf-tools' biosnoop and
		# biosnoop.bt need fentry or kprobes: ours alone where they are missing.
		[ -n "$LOOP" ] || setup_loop
		ref=/usr/sbin/biosnoop bt=/usr/sbin/biosnoop.bt
		[ -e /sys/bus/event_source/devices/kprobe ] || ref= bt=
		[ -n "$LOOP" ] &&
			scenario biosnoop 9 50000 "$S dio 50000 $LOOP" \
				'^TIME' "$BIN/biosnoop" '^TIME' "$ref" '^Attaching' "$bt" ;;
	biolatency)
		[ -n "$LOOP" ] || setup_loop
		if [ -n "$LOOP" ]; then
			# biolatency.bt needs kprobes; it is compared only where they exist.
			bt=/usr/sbin/biolatency.bt
			[ -e /sys/bus/event_source/devices/kprobe ] || bt=
			scenario biolatency 11 50000 "$S dio 50000 $LOOP" \
				'^Tracing' "$BIN/biolatency" '^Tracing' /usr/sbin/biolatency '^Tracing' "$bt"
		fi ;;
	profile49 | profile999)
		hz=${s#profile}
		echo "profile:hz:$hz { @[kstack, ustack, comm] = count(); }" >"$TMP/profile$hz.bt"
		echo 'BEGIN { printf("Sampling\n"); }' >>"$TMP/profile$hz.bt"
		# About 0.6 s of work, hundreds of samples (5000 units took 1.5 ms).
		scenario "$s" 7 2000000 "$S spin 2000000" \
			'^Sampling' "$BIN/profile -F $hz" '' '' '^Sampling' "$TMP/profile$hz.bt" ;;
	lost)
		# opensnoop at full speed on every CPU: who loses events?
		work="for i in \$(seq $(nproc)); do $S open 300000 $TMP/file & done; wait"
		scenario lost 5 $((300000 * $(nproc))) "$work" \
			'^PID' "$BIN/opensnoop" '^PID' /usr/sbin/opensnoop '^PID' /usr/sbin/opensnoop.bt ;;
	startup)
		for t in execsnoop opensnoop runqlat biolatency; do
			scenario "startup-$t" 5 0 "true" '.' "$BIN/$t" '.' "/usr/sbin/$t" '' ''
		done ;;
	esac
done
# Only a run of every scenario rewrites the README's table.
python3 "$TOP/bench/report.py" "$RAW" "$OUT/results.json" ${all_scenarios:+"$TOP/README.md"}

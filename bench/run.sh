#!/bin/bash
# sudo make bench: our tools against Debian's libbpf-tools and bpftrace, side by
# side in one run, repetitions interleaved, medians reported.
#
#   bench/run.sh [-r REPS] [SCENARIO...]
#   scenarios: opensnoop execsnoop runqlat biolatency profile49 profile999 lost startup
#
# Each measurement is one JSON line in build/bench/raw.jsonl; bench/report.py
# turns them into the table (printed, build/bench/results.json, README section).
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
OUT=$TOP/build/bench
BIN=$TOP/bin
reps=5
while getopts r: o; do
	case $o in
	r) reps=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
scenarios=${*:-opensnoop execsnoop runqlat biolatency profile49 profile999 lost startup}
[ "$(id -u)" = 0 ] || { echo "bench: run as root (sudo make bench)" >&2; exit 1; }
mkdir -p "$OUT"
RAW=$OUT/raw.jsonl
: >"$RAW"
TMP=$(mktemp -d /tmp/bpfscope-bench.XXXXXX)
LOOP=
trap 'rm -rf "$TMP"; [ -n "$LOOP" ] && losetup -d "$LOOP"' EXIT

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

# Lost events a tool reported on stderr, whatever its wording.
lost_in() {
	python3 - "$1" <<'PY'
import re, sys
n = 0
for line in open(sys.argv[1], errors="replace"):
    m = re.search(r"(?i)lost (\d+) events|(\d+) events lost|lost (\d+) samples", line)
    if m:
        n += int(next(g for g in m.groups() if g))
print(n)
PY
}

# run_base SCENARIO WORKLOAD: the workload alone.
run_base() {
	local v
	v=$(sh -c "$2") || return
	record scenario="$1" variant=base ns_per_op="$v"
}

# run_tool SCENARIO VARIANT READY WORKLOAD OPS CMD...
run_tool() {
	local scen=$1 variant=$2 ready=$3 work=$4 ops=$5 kv
	shift 5
	kv=$(RUNTOOL_ERR=$TMP/err "$OUT/runtool" "$ready" "$work" -- "$@" 2>"$TMP/rt.err") || {
		echo "bench: $scen/$variant did not start: $(head -c 300 "$TMP/rt.err" "$TMP/err")" >&2
		return
	}
	record scenario="$scen" variant="$variant" ops="$ops" lost="$(lost_in "$TMP/err")" \
		$(echo "$kv" | sed 's/^workload=/ns_per_op=/')
}

# scenario NAME OPS WORKLOAD  OURS_READY OURS_CMD  REF_READY REF_CMD  BT_READY BT_SCRIPT
# (an empty REF or BT command skips that peer)
scenario() {
	local name=$1 ops=$2 work=$3 oready=$4 ocmd=$5 rready=$6 rcmd=$7 bready=$8 bt=$9 r v
	echo "bench: $name ($reps rounds)"
	for ((r = 0; r < reps; r++)); do
		# Rotate the order each round so no variant always runs first.
		for v in $(printf 'base\nours\nref\nbt\n' | tail -n +$((r % 4 + 1)); printf 'base\nours\nref\nbt\n' | head -n $((r % 4))); do
			case $v in
			base) run_base "$name" "$work" ;;
			ours) run_tool "$name" ours "$oready" "$work" "$ops" $ocmd ;;
			ref) [ -n "$rcmd" ] && run_tool "$name" ref "$rready" "$work" "$ops" $rcmd ;;
			bt) [ -n "$bt" ] && run_tool "$name" bpftrace "$bready" "$work" "$ops" bpftrace "$bt" ;;
			esac
		done
	done
}

setup_loop() {
	truncate -s 256M "$TMP/disk.img"
	LOOP=$(losetup -f --show --direct-io=on "$TMP/disk.img") || LOOP=
}

install_peers
build_helpers || { echo "bench: cannot build the helpers" >&2; exit 1; }
S=$OUT/storm
echo x >"$TMP/file"
for s in $scenarios; do
	case $s in
	opensnoop)
		scenario opensnoop 200000 "$S open 200000 $TMP/file" \
			'^PID' "$BIN/opensnoop" '^PID' /usr/sbin/opensnoop '^PID' /usr/sbin/opensnoop.bt ;;
	execsnoop)
		scenario execsnoop 2000 "$S exec 2000 /bin/true" \
			'^PCOMM' "$BIN/execsnoop" '^PCOMM' /usr/sbin/execsnoop '^TIME' /usr/sbin/execsnoop.bt ;;
	runqlat)
		scenario runqlat 200000 "$S pingpong 200000" \
			'^Tracing' "$BIN/runqlat" '^Tracing' /usr/sbin/runqlat '^Tracing' /usr/sbin/runqlat.bt ;;
	biolatency)
		[ -n "$LOOP" ] || setup_loop
		if [ -n "$LOOP" ]; then
			# biolatency.bt needs kprobes; it is compared only where they exist.
			bt=/usr/sbin/biolatency.bt
			[ -e /sys/bus/event_source/devices/kprobe ] || bt=
			scenario biolatency 50000 "$S dio 50000 $LOOP" \
				'^Tracing' "$BIN/biolatency" '^Tracing' /usr/sbin/biolatency '^Tracing' "$bt"
		fi ;;
	profile49 | profile999)
		hz=${s#profile}
		echo "profile:hz:$hz { @[kstack, ustack, comm] = count(); }" >"$TMP/profile$hz.bt"
		echo 'BEGIN { printf("Sampling\n"); }' >>"$TMP/profile$hz.bt"
		scenario "$s" 5000 "$S spin 5000" \
			'^Sampling' "$BIN/profile -F $hz" '' '' '^Sampling' "$TMP/profile$hz.bt" ;;
	lost)
		# opensnoop at full speed on every CPU: who loses events?
		work="for i in \$(seq $(nproc)); do $S open 300000 $TMP/file & done; wait"
		scenario lost $((300000 * $(nproc))) "$work" \
			'^PID' "$BIN/opensnoop" '^PID' /usr/sbin/opensnoop '^PID' /usr/sbin/opensnoop.bt ;;
	startup)
		for t in execsnoop opensnoop runqlat biolatency; do
			scenario "startup-$t" 0 "true" '.' "$BIN/$t" '.' "/usr/sbin/$t" '' ''
		done ;;
	esac
done
python3 "$TOP/bench/report.py" "$RAW" "$OUT/results.json" "$TOP/README.md"

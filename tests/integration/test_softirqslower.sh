#!/bin/bash
# softirqslower: loopback TCP round trips pinned to one CPU run two NET_RX
# softirqs each, in the workload's own context (raised and run inside its
# write).  With a threshold of 0 every one is reported, both stages; with a
# threshold, none below it; on every hook kind.
. "$(dirname "$0")/../lib.sh"
need jq cc taskset

[ -x "$BIN/softirqslower" ] || skip_all "bin/softirqslower is not built"
name=sl$$_$RANDOM	# the workload's comm: unique to this run, < 16 chars
cc -O1 -o "$TMP/$name" "$TOP/tests/integration/helpers/softirqs_pingpong.c" ||
	bail_out "softirqslower: build the workload" "cc failed"
cpu=$(($(nproc) - 1))
trips=2000
want=$((2 * trips))
min_us=20

net_rx() { awk '$1 == "NET_RX:" { print $'$((cpu + 2))' }' /proc/softirqs; }

runs=(
	all "--json -c $cpu 0"
	text "-c $cpu 0"
	slow "--json -c $cpu $min_us"
	raw "--json -v -c $cpu 0"
	tp "--json -v -c $cpu 0"
)
declare -A pid avoid=([raw]=tp_btf [tp]=tp_btf,raw_tp)
before=$(net_rx)
for ((i = 0; i < ${#runs[@]}; i += 2)); do
	run=${runs[i]}
	# shellcheck disable=SC2086
	if BPFSCOPE_AVOID=${avoid[$run]:-} start_tool "$TMP/$run" softirqslower ${runs[i + 1]}; then
		pid[$run]=$TOOL_PID
	else
		fail "softirqslower ${runs[i + 1]}: starts" "$(head -c 300 "$TMP/$run.err")"
	fi
done
taskset -c "$cpu" "$TMP/$name" $trips
work_rc=$?
for run in "${!pid[@]}"; do
	TOOL_PID=${pid[$run]}
	stop_tool INT || fail "softirqslower ($run): stops with status 0" "status $?: $(tail -n 2 "$TMP/$run.err")"
done
max=$(($(net_rx) - before))
[ $work_rc = 0 ] || bail_out "softirqslower: $trips loopback round trips" "the workload failed ($work_rc)"

# mine FILE STAGE: the workload's net_rx events of that stage.
mine() {
	jq -r --arg c "$name" --arg s "$2" 'select(.comm == $c and .softirq == "net_rx" and .stage == $s) | .lat_ns' "$1" |
		wc -l
}
in_range() {
	if [ "$2" -ge "$3" ] && [ "$2" -le "$4" ]; then
		ok "softirqslower: $1 ($2 in $3..$4)"
	else
		fail "softirqslower: $1" "$2 not in $3..$4"
	fi
}

# Threshold 0: each of the workload's net_rx softirqs, waiting and running.
# (A few may run in ksoftirqd rather than in the workload: 90% at least.)
check_all() {
	local file=$1 what=$2
	in_range "$what: the workload's net_rx runtimes" "$(mine "$file" runtime)" $((want * 9 / 10)) "$max"
	in_range "$what: the workload's net_rx raise-to-entry waits" "$(mine "$file" raise_to_entry)" \
		$((want * 9 / 10)) "$max"
}
check_all "$TMP/all" "-c $cpu 0"
if jq -e --argjson cpu "$cpu" 'select(.cpu != $cpu or .lat_us != (.lat_ns / 1000 | floor))' "$TMP/all" |
	grep -q .; then
	fail "softirqslower -c $cpu: every event on CPU $cpu, LAT(us) = ns / 1000" \
		"$(jq -c --argjson cpu "$cpu" 'select(.cpu != $cpu)' "$TMP/all" | head -n 2)"
else
	ok "softirqslower -c $cpu: every event on CPU $cpu, lat_us = lat_ns / 1000"
fi

# The text form: upstream's header and columns.
hdr='TIME     STAGE                SOFTIRQ  LAT(us)        CPU    COMM'
n=$(grep -cE "^[0-9:]{8} softirq runtime +net_rx +[0-9]+ +$cpu +$name\$" "$TMP/text")
if grep -qx "$hdr" "$TMP/text" && [ "$n" -ge $((want * 9 / 10)) ] &&
   grep -qE "^[0-9:]{8} irq\(hard\) to softirq net_rx +[0-9]+ +$cpu +$name\$" "$TMP/text"; then
	ok "softirqslower: text rows under upstream's header ($n runtime rows of $name)"
else
	fail "softirqslower: text rows" "$n runtime rows: $(head -n 3 "$TMP/text")"
fi

# MIN_US: nothing faster than it, and fewer than all (most take a few usecs).
fast=$(jq -r --argjson min $((min_us * 1000)) 'select(.lat_ns < $min)' "$TMP/slow" | wc -l)
slow=$(($(mine "$TMP/slow" runtime) + $(mine "$TMP/slow" raise_to_entry)))
if [ "$fast" = 0 ] && [ "$slow" -lt $((want * 2 * 9 / 10)) ]; then
	ok "softirqslower $min_us: none under $min_us us, $slow of the workload's $((2 * want)) over it"
else
	fail "softirqslower $min_us" "$fast events under $min_us us, $slow of the workload's"
fi

for run in raw tp; do
	kind=raw_tp
	[ $run = tp ] && kind=tracepoint
	check_path "softirqslower, BPFSCOPE_AVOID=${avoid[$run]}: $kind" "$TMP/$run.err" \
		kinds=$kind softirq_raise=$kind softirq_entry=$kind softirq_exit=$kind
	check_all "$TMP/$run" "on $kind"
done

one_line_error() {
	local what=$1 want=$2 rc
	shift 2
	"$BIN/softirqslower" "$@" >"$TMP/o" 2>"$TMP/e"
	rc=$?
	if [ $rc = "$want" ] && [ "$(wc -l <"$TMP/e")" = 1 ] && grep -q "^softirqslower: .*$what" "$TMP/e"; then
		ok "softirqslower $*: one-line error ($(cat "$TMP/e"))"
	else
		fail "softirqslower $*: one-line error" "status $rc: $(cat "$TMP/e")"
	fi
}
one_line_error "-c" 2 -c 4096
one_line_error "unexpected argument" 2 10 20
one_line_error "min_us" 2 -- -5
BPFSCOPE_AVOID=tp_btf,raw_tp,tracepoint one_line_error "softirq_" 1

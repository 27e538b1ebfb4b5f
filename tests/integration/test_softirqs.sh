#!/bin/bash
# softirqs: loopback TCP round trips pinned to one CPU run two NET_RX softirqs
# each on that CPU; every mode and hook kind must count them, and no row may
# exceed what /proc/softirqs counted for its vector (and CPU, with -c).
. "$(dirname "$0")/../lib.sh"
need jq cc taskset

[ -x "$BIN/softirqs" ] || skip_all "bin/softirqs is not built"
name=si$$_$RANDOM	# the workload's comm: unique to this run, < 16 chars
cc -O1 -o "$TMP/$name" "$TOP/tests/integration/helpers/softirqs_pingpong.c" ||
	bail_out "softirqs: build the workload" "cc failed"
ncpu=$(nproc)
cpu=$((ncpu - 1))	# the workload's CPU
other=0
trips=3000

# softirq_counts: "NAME CPU0 CPU1 ..." per vector, names as softirqs prints them.
softirq_counts() { awk 'NR > 1 { sub(":", "", $1); print tolower($0) }' /proc/softirqs; }
# delta VEC [CPU]: what /proc/softirqs counted for VEC during the runs, on CPU or on all.
delta() {
	awk -v vec="$1" -v cpu="${2:--1}" '
		$1 == vec { s = 0; for (i = 2; i <= NF; i++) if (cpu < 0 || i == cpu + 2) s += $i
			    if (FNR == NR) before = s; else after = s }
		END { print after - before }' "$TMP/before" "$TMP/after"
}

runs=(
	count "-C"
	cpu "-C -c $cpu"
	dist "-d"
	json "--json -N"
	raw "-C -v"
	tp "-C -v"
)
[ "$cpu" != "$other" ] && runs+=(other "-C -c $other")
declare -A pid avoid=([raw]=tp_btf [tp]=tp_btf,raw_tp)
softirq_counts >"$TMP/before"
for ((i = 0; i < ${#runs[@]}; i += 2)); do
	run=${runs[i]}
	# shellcheck disable=SC2086
	if BPFSCOPE_AVOID=${avoid[$run]:-} start_tool "$TMP/$run" softirqs ${runs[i + 1]}; then
		pid[$run]=$TOOL_PID
	else
		fail "softirqs ${runs[i + 1]}: starts" "$(head -c 300 "$TMP/$run.err")"
	fi
done
taskset -c "$cpu" "$TMP/$name" $trips
work_rc=$?
for run in "${!pid[@]}"; do
	TOOL_PID=${pid[$run]}
	stop_tool INT || fail "softirqs ($run): stops with status 0" "status $?: $(tail -n 2 "$TMP/$run.err")"
done
softirq_counts >"$TMP/after"
[ $work_rc = 0 ] || bail_out "softirqs: $trips loopback round trips" "the workload failed ($work_rc)"
want=$((2 * trips))
max=$(delta net_rx)

# text_count FILE VEC [COLUMN]: a vector's value in a text table (column 2: time, 3: count).
text_count() { awk -v v="$2" -v c="${3:-3}" '$1 == v { print $c; f = 1 } END { if (!f) print 0 }' "$1"; }
# missed RUN: the events the run reported missed (a classic tracepoint's program
# is skipped while another tracing program runs on that CPU).
missed() { sed -n 's/^softirqs: \([0-9]*\) events \(missed\|lost\).*/\1/p' "$TMP/$1.err" | awk '{ n += $1 } END { print n + 0 }'; }
in_range() {
	if [ "$2" -ge "$3" ] && [ "$2" -le "$4" ]; then
		ok "softirqs: $1 ($2 in $3..$4)"
	else
		fail "softirqs: $1" "$2 not in $3..$4"
	fi
}
# within FILE [CPU]: every vector's count within /proc/softirqs' (on CPU).
within() {
	local vec n bad=
	while read -r vec; do
		n=$(text_count "$1" "$vec")
		[ "$n" -le "$(delta "$vec" "${2:-}")" ] || bad="$bad $vec=$n>$(delta "$vec" "${2:-}")"
	done < <(awk '/TOTAL_count/ { t = 1; next } t && NF == 3 { print $1 }' "$1")
	echo "${bad# }"
}

if grep -qx 'SOFTIRQ          TOTAL_usecs  TOTAL_count' "$TMP/count" &&
   [ -z "$(within "$TMP/count")" ]; then
	ok "softirqs -C: SOFTIRQ TOTAL_usecs TOTAL_count, no vector above /proc/softirqs"
else
	fail "softirqs -C: table within /proc/softirqs" "$(within "$TMP/count"): $(head -c 400 "$TMP/count")"
fi
in_range "-C counts net_rx for $trips loopback round trips" "$(text_count "$TMP/count" net_rx)" $((want - $(missed count))) "$max"

in_range "-c $cpu: net_rx on the workload's CPU" "$(text_count "$TMP/cpu" net_rx)" \
	$((want - $(missed cpu))) "$(delta net_rx "$cpu")"
bad=$(within "$TMP/cpu" "$cpu")
[ -z "$bad" ] && ok "softirqs -c $cpu: no vector above CPU $cpu's /proc/softirqs column" ||
	fail "softirqs -c $cpu: within CPU $cpu's column" "$bad"
if [ -n "${pid[other]:-}" ]; then
	bad=$(within "$TMP/other" "$other")
	n=$(text_count "$TMP/other" net_rx)
	if [ -z "$bad" ] && [ "$n" -lt $want ]; then
		ok "softirqs -c $other: within CPU $other's column, not the workload's net_rx ($n)"
	else
		fail "softirqs -c $other" "net_rx $n, above the column: $bad"
	fi
fi

# -d: the net_rx histogram; --json -N: the count and the time in nsecs.
hist=$(awk '/^softirq = / { s = ($0 == "softirq = net_rx"); next } s && / -> / { n += $5 }
	END { print n + 0 }' "$TMP/dist")
grep -q '^ *usecs *: count *distribution' "$TMP/dist" ||
	fail "softirqs -d: usecs histograms" "$(head -c 300 "$TMP/dist")"
in_range "-d: the net_rx histogram counts the round trips" "$hist" $((want - $(missed dist))) "$max"
n=$(jq -r '[.softirqs[] | select(.softirq == "net_rx") | .count] | add // 0' "$TMP/json")
ns=$(jq -r '[.softirqs[] | select(.softirq == "net_rx") | .total] | add // 0' "$TMP/json")
if [ "$(jq -r .unit "$TMP/json")" = nsecs ] && [ "$n" -ge $((want - $(missed json))) ] && [ "$n" -le "$max" ] &&
   [ "$ns" -ge $((n * 100)) ] && [ "$ns" -le $((n * 1000000)) ]; then
	ok "softirqs --json -N: net_rx $n times, $ns ns (100 ns..1 ms each)"
else
	fail "softirqs --json -N" "net_rx $n times (want $want..$max), $ns ns: $(head -c 300 "$TMP/json")"
fi

for run in raw tp; do
	kind=raw_tp
	[ $run = tp ] && kind=tracepoint
	check_path "softirqs, BPFSCOPE_AVOID=${avoid[$run]}: $kind" "$TMP/$run.err" \
		kinds=$kind softirq_entry=$kind softirq_exit=$kind
	in_range "on $kind: net_rx counted" "$(text_count "$TMP/$run" net_rx)" $((want - $(missed $run))) "$max"
done

# Intervals: INTERVAL COUNT ends by itself, -T puts the time before each table.
"$BIN/softirqs" -T 1 2 >"$TMP/iv" 2>"$TMP/iv.err"
rc=$?
if [ $rc = 0 ] && [ "$(grep -cx 'SOFTIRQ          TOTAL_usecs' "$TMP/iv")" = 2 ] &&
   [ "$(grep -cE '^[0-9]{2}:[0-9]{2}:[0-9]{2}$' "$TMP/iv")" = 2 ]; then
	ok "softirqs -T 1 2: two tables, each after its time, then exits"
else
	fail "softirqs -T 1 2" "status $rc: $(head -c 300 "$TMP/iv") $(cat "$TMP/iv.err")"
fi

one_line_error() {
	local what=$1 want=$2 rc
	shift 2
	"$BIN/softirqs" "$@" >"$TMP/o" 2>"$TMP/e"
	rc=$?
	if [ $rc = "$want" ] && [ "$(wc -l <"$TMP/e")" = 1 ] && grep -q "^softirqs: .*$what" "$TMP/e"; then
		ok "softirqs $*: one-line error ($(cat "$TMP/e"))"
	else
		fail "softirqs $*: one-line error" "status $rc: $(cat "$TMP/e")"
	fi
}
one_line_error "-c" 2 -c 4096
one_line_error "" 2 1 2 3
BPFSCOPE_AVOID=tp_btf,raw_tp,tracepoint one_line_error "softirq_e" 1

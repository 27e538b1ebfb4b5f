#!/bin/bash
# tcpsynbl: listeners with a backlog limit unique to this run that never
# accept, and more connects than their queue takes: the histogram of that
# limit must hold each backlog length 0..LIMIT exactly once (the connects
# past the full queue never complete), per family, on every hook.
. "$(dirname "$0")/../lib.sh"
need cc jq

T=tcpsynbl
cc -O1 -o "$TMP/backlog" "$TOP/tests/helpers/tcpsynbl_backlog.c" ||
	bail_out "$T: build helper" "cc failed"

# Limits and ports unique to this run (other listeners on the machine keep
# their own histograms).
# Limits no other listener on the machine is likely to have (a histogram is per
# limit, and other tests' listeners use 5 to 128): 300-499.
N4=$((300 + RANDOM % 200))
N6=$((N4 + 7))
PORT=$(free_ports 1) || bail_out "a free port"

NAMES=()
PIDS=()
start_instance() {
	local name=$1 avoid=$2
	shift 2
	if BPFSCOPE_AVOID=$avoid start_tool "$TMP/$name" "$T" "$@"; then
		NAMES+=("$name")
		PIDS+=("$TOOL_PID")
		on_exit kill -KILL "$TOOL_PID"
	else
		fail "$name: starts" "$(head -c 300 "$TMP/$name.err")"
	fi
	TOOL_PID=
}

# rows FILE LIMIT: "low count" for each non-empty row of the histogram of that limit.
rows() {
	awk -v want="backlog_max = $2" '
		/^backlog_max = / { insec = $0 == want; next }
		insec && / -> / && $5 > 0 { print $1, $5 }' "$1"
}
# expect LIMIT: the rows for lengths 0..LIMIT, each once (log2 slots).
expect() {
	awk -v n="$1" 'BEGIN {
		for (v = 0; v <= n; v++) { s = 0; for (x = v; x > 1; x = int(x / 2)) s++; c[s]++ }
		for (s = 0; s in c; s++) { print (s ? p : 0), c[s]; p = s ? p * 2 : 2 } }'
}
# has NAME FILE LIMIT: the histogram of LIMIT is exactly lengths 0..LIMIT.
has() {
	if [ "$(rows "$2" "$3")" = "$(expect "$3")" ]; then ok "$1"
	else fail "$1" "got [$(rows "$2" "$3" | tr '\n' ' ')] want [$(expect "$3" | tr '\n' ' ')]"; fi
}
# has_sum NAME FILE LIMIT: the same, the histograms of LIMIT of all intervals added up.
sum_rows() { rows "$1" "$2" | awk '{ c[$1] += $2 } END { for (l in c) print l, c[l] }' | sort -n; }
has_sum() {
	if [ "$(sum_rows "$2" "$3")" = "$(expect "$3")" ]; then ok "$1"
	else fail "$1" "got [$(sum_rows "$2" "$3" | tr '\n' ' ')] in $(grep -cx "backlog_max = $3" "$2") intervals, want [$(expect "$3" | tr '\n' ' ')]"; fi
}
lacks() {
	if ! grep -qx "backlog_max = $3" "$2"; then ok "$1"
	else fail "$1" "$(rows "$2" "$3" | tr '\n' ' ')"; fi
}

start_instance text ""
start_instance json "" --json
start_instance v4 "" -4
start_instance v6 "" -6
start_instance raw tp_btf -v
start_instance tp tp_btf,raw_tp -v
start_instance iv "" -T 1
BPFSCOPE_READY_FILE=$TMP/ready.count "$BIN/$T" -T 1 3 >"$TMP/count" 2>"$TMP/count.err" &
COUNT=$!
on_exit kill -KILL "$COUNT"
for ((i = 0; i < 200; i++)); do [ -e "$TMP/ready.count" ] && break; sleep 0.05; done
# stamps FILE: how many interval time stamps.
stamps() { grep -cE '^[0-9]{2}:[0-9]{2}:[0-9]{2} *$' "$1"; }

"$TMP/backlog" 127.0.0.1 "$PORT" "$N4" $((N4 + 3)) >"$TMP/w4" 2>&1 &
w4=$!
"$TMP/backlog" ::1 "$PORT" "$N6" $((N6 + 2)) >"$TMP/w6" 2>&1
wait $w4
if grep -qx "established $((N4 + 1))" "$TMP/w4" && grep -qx "established $((N6 + 1))" "$TMP/w6"
then ok "workload: LIMIT + 1 connects complete per listener"
else fail "workload: LIMIT + 1 connects complete per listener" "$(cat "$TMP/w4" "$TMP/w6")"; fi
# The -T 1 run: the interval the handshakes ended in is out with the next stamp.
n=$(stamps "$TMP/iv")
for ((i = 0; i < 100; i++)); do
	[ "$(stamps "$TMP/iv")" -gt "$n" ] && break
	sleep 0.05
done
sleep 0.1
for i in "${!NAMES[@]}"; do
	TOOL_PID=${PIDS[$i]}
	stop_tool INT
	rc=$?
	[ "$rc" = 0 ] || fail "${NAMES[$i]}: exits 0 on SIGINT" "exit status $rc"
done
# -T 1 3 exits by itself after its third interval.
await_exit $COUNT 5
COUNT_RC=$EXIT_STATUS

if grep -qx 'Tracing SYN backlog size. Ctrl-C to end.' "$TMP/text" &&
	grep -qE '^ +backlog +: count +distribution$' "$TMP/text"; then
	ok "text: banner and 'backlog' histogram header"
else
	fail "text: banner and 'backlog' histogram header" "$(head -c 300 "$TMP/text")"
fi
has "IPv4 listener: lengths 0..$N4 once each under backlog_max = $N4" "$TMP/text" "$N4"
has "IPv6 listener: lengths 0..$N6 once each under backlog_max = $N6" "$TMP/text" "$N6"
has "-4: the IPv4 listener" "$TMP/v4" "$N4"
lacks "-4: not the IPv6 one" "$TMP/v4" "$N6"
has "-6: the IPv6 listener" "$TMP/v6" "$N6"
lacks "-6: not the IPv4 one" "$TMP/v6" "$N4"
check_path "BPFSCOPE_AVOID=tp_btf: raw_tp" "$TMP/raw.err" kinds=raw_tp inet_sock_set_state=raw_tp
has "BPFSCOPE_AVOID=tp_btf: same histogram" "$TMP/raw" "$N4"
check_path "BPFSCOPE_AVOID=tp_btf,raw_tp: classic tracepoint" "$TMP/tp.err" kinds=tracepoint \
	inet_sock_set_state=tracepoint
has "BPFSCOPE_AVOID=tp_btf,raw_tp: same histogram" "$TMP/tp" "$N4"

# --json: one object; the limit's histogram, its total N + 1.
if jq -e --argjson n "$N4" '
	.unit == "backlog" and
	([.hists[] | select(.backlog_max == $n) | .hist] | length == 1 and
		(.[0].total == $n + 1) and (.[0].buckets[0] == {"low": 0, "high": 1, "count": 2}))' \
	"$TMP/json" >/dev/null && [ "$(wc -l <"$TMP/json")" = 1 ]; then
	ok "--json: backlog_max = $N4 with $((N4 + 1)) handshakes"
else
	fail "--json: backlog_max = $N4" "$(head -c 400 "$TMP/json")"
fi

# -T 1 3: three timestamped intervals, then it exits.
n=$(stamps "$TMP/count")
if [ "$COUNT_RC" = 0 ] && [ "$n" = 3 ]; then ok "-T 1 3: three timestamped intervals, then it exits"
else fail "-T 1 3: three timestamped intervals, then it exits" "status $COUNT_RC, $n stamps: $(head -c 300 "$TMP/count.err")"; fi
# -T 1: the handshakes in its intervals, as many as they took (a burst of
# connects on a loaded machine may cross an interval's end): the intervals'
# histograms add up to the lengths 0..LIMIT once each.
n=$(stamps "$TMP/iv")
if [ "$n" -ge 2 ]; then
	has_sum "-T 1: timestamped intervals adding up to the handshakes" "$TMP/iv" "$N4"
else
	fail "-T 1: timestamped intervals adding up to the handshakes" "$n stamps: $(head -c 300 "$TMP/iv")"
fi

# No hook: the tracepoints avoided, no fentry or kprobes here (one line naming each).
BPFSCOPE_AVOID=tp_btf,raw_tp,tracepoint,fentry,kprobe "$BIN/$T" >"$TMP/o" 2>"$TMP/e"
rc=$?
if [ $rc = 1 ] && [ "$(wc -l <"$TMP/e")" = 1 ] &&
	grep -q "^$T: cannot trace .*inet_sock_set_state.*tcp_v4_syn_recv_sock" "$TMP/e"; then
	ok "no usable hook: one-line error"
else
	fail "no usable hook: one-line error" "rc=$rc $(cat "$TMP/e")"
fi

for args in "-4 -6" "0" "1 0" "x" "1 2 3"; do
	# shellcheck disable=SC2086
	"$BIN/$T" $args >"$TMP/o" 2>"$TMP/e"
	rc=$?
	if [ $rc = 2 ] && [ "$(wc -l <"$TMP/e")" = 1 ] && grep -q "^$T: " "$TMP/e" && [ ! -s "$TMP/o" ]
	then ok "'$args': one-line usage error"
	else fail "'$args': one-line usage error" "rc=$rc $(cat "$TMP/e")"; fi
done

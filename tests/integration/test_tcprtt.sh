#!/bin/bash
# tcprtt: TCP ping-pongs across a wire of our own with a 20 ms round trip
# (two network namespaces joined by TUN devices and a user-space delay line:
# this kernel has no netem) must land in the 16-31 ms slot, for exactly the
# sockets the filters select; a loopback flow (0-1 ms) must never show up in
# them.
. "$(dirname "$0")/../lib.sh"
need ip jq /usr/bin/python3
[ -c /dev/net/tun ] || skip_all "no /dev/net/tun"

T=tcprtt
PY=/usr/bin/python3
HELPERS=$TOP/tests/integration/helpers
ROUNDS=30

id=$((RANDOM % 10000))$((RANDOM % 1000))
NS_A=bpfs-rtta-$id
NS_B=bpfs-rttb-$id
TUN_A=brtta$id
TUN_B=brttb$id
net=$((RANDOM % 250 + 1))
A4=198.18.$net.1
B4=198.18.$net.2
net6=fd00:$(printf %x $((RANDOM % 65536))):$(printf %x $((RANDOM % 65536)))
A6=$net6::1
B6=$net6::2
PORT=$(free_ports 2) || bail_out "two free ports"
PORT2=$((PORT + 1))

setup_wire() {
	local i
	ip netns add "$NS_A" || return 1
	on_exit ip netns del "$NS_A"
	ip netns add "$NS_B" || return 1
	on_exit ip netns del "$NS_B"
	chrt -f 20 "$PY" "$HELPERS/tcprtt_delay.py" "$NS_A" "$TUN_A" "$NS_B" "$TUN_B" 20 "$TMP/wire" \
		2>"$TMP/wire.err" &
	on_exit kill -KILL "$!"
	disown "$!"
	for ((i = 0; i < 100; i++)); do
		[ -e "$TMP/wire" ] && break
		sleep 0.05
	done
	[ -e "$TMP/wire" ] || return 1
	ip -n "$NS_A" link set lo up &&
	ip -n "$NS_A" link set "$TUN_A" up &&
	ip -n "$NS_B" link set "$TUN_B" up &&
	ip -n "$NS_A" addr add "$A4/24" dev "$TUN_A" &&
	ip -n "$NS_B" addr add "$B4/24" dev "$TUN_B" &&
	ip -n "$NS_A" addr add "$A6/64" dev "$TUN_A" nodad &&
	ip -n "$NS_B" addr add "$B6/64" dev "$TUN_B" nodad
}

# Run in the background inside namespace $1; the process is killed at exit.
ns_spawn() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@" >/dev/null 2>&1 &
	on_exit kill -KILL "$!"
	disown "$!"
}

# start_instance NAME AVOID ARGS...: one tcprtt in the background, output in $TMP/NAME.
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

stop_instances() {
	local i rc
	for i in "${!NAMES[@]}"; do
		TOOL_PID=${PIDS[$i]}
		stop_tool INT
		rc=$?
		[ "$rc" = 0 ] || fail "${NAMES[$i]}: exits 0 on SIGINT" "exit status $rc"
	done
}

# client NS ADDR PORT NAME: one ping-pong of ROUNDS round trips; its port in $TMP/port.NAME.
client() {
	ip netns exec "$1" "$PY" "$HELPERS/tcprtt_pingpong.py" client "$2" "$3" "$ROUNDS" \
		"$TMP/port.$4" 2>"$TMP/client.$4.err" ||
		fail "client $4: $2:$3 answers" "$(cat "$TMP/client.$4.err")"
}

# rows FILE [SECTION]: "low count" per histogram row (of the section whose label starts with SECTION).
rows() {
	awk -v want="$2" '
		/(Address|Addresses) = / { insec = want == "" || index($0, want) == 1; next }
		/ -> / && insec != 0 { print $1, $5 }' insec=1 "$1"
}
# total FILE [SECTION]; outside LOW FILE [SECTION]: samples, and samples in
# neither the slot from LOW nor the next (the delay line runs in user space: on
# a loaded machine a round trip can take over 32 ms); above LOW FILE
# [SECTION]: samples in the next slot.
total() { rows "$@" | awk '{ n += $2 } END { print n + 0 }'; }
outside() {
	local low=$1
	shift
	rows "$@" | awk -v low="$low" '$1 != low && $1 != 2 * low { n += $2 } END { print n + 0 }'
}
above() {
	local low=$1
	shift
	rows "$@" | awk -v low="$low" '$1 == 2 * low { n += $2 } END { print n + 0 }'
}
labels() { grep -E '(Address|Addresses) = ' "$1" | sed 's/ *$//'; }

# in_slot NAME FILE LOW MIN MAX [SECTION]: MIN..MAX samples, all in the slot
# from LOW but for at most a fifth in the next one (late round trips; an RTT
# read twice too large would put them all there).
in_slot() {
	local name=$1 file=$2 low=$3 min=$4 max=$5 n out up
	n=$(total "$file" "$6")
	out=$(outside "$low" "$file" "$6")
	up=$(above "$low" "$file" "$6")
	if [ "$n" -ge "$min" ] && [ "$n" -le "$max" ] && [ "$out" = 0 ] && [ $((5 * up)) -le "$n" ]; then
		ok "$name ($n, $up late)"
	else
		fail "$name" "$n samples ($min..$max wanted), $out outside the $low slot and the next, $up in the next: $(head -c 500 "$file")"
	fi
}

setup_wire || skip_all "cannot build the delay line: $(head -c 200 "$TMP/wire.err")"
ns_spawn "$NS_B" "$PY" "$HELPERS/tcprtt_pingpong.py" server "$B4" "$B6" "$PORT"
ns_spawn "$NS_A" "$PY" "$HELPERS/tcprtt_pingpong.py" server 127.0.0.1 "$PORT2"
sleep 0.3

start_instance ms "" -m -P "$PORT"
start_instance us "" -P "$PORT"
start_instance lport "" -m -p "$PORT" -e
start_instance byr "" -m -B -P "$PORT"
start_instance laddr "" -m -b -a "$A4"
start_instance raddr "" -m -b -A "$A6"
start_instance v4 "" -m -B -4 -P "$PORT"
start_instance v6 "" -m -B -6 -P "$PORT"
start_instance json "" --json -m -e -B -P "$PORT"
start_instance raw tp_btf -v -m -P "$PORT"
# -i 2 -d 10: five intervals, and all the samples in them.  The duration
# leaves the four clients (1.6 s on an idle machine, 3.6 s seen with 3 CPU hogs)
# 6 times and 2.5 times their time.
IV_I=2 IV_D=10
BPFSCOPE_READY_FILE=$TMP/ready.iv "$BIN/$T" -i $IV_I -d $IV_D -T -m -P "$PORT" >"$TMP/iv" 2>"$TMP/iv.err" &
IV=$!
on_exit kill -KILL "$IV"
wait_for_file() { local i; for ((i = 0; i < 100; i++)); do [ -e "$1" ] && return; sleep 0.05; done; }
wait_for_file "$TMP/ready.iv"
IV_T0=$EPOCHREALTIME

client "$NS_A" 127.0.0.1 "$PORT2" lo
client "$NS_A" "$B4" "$PORT" 4
client "$NS_A" "$B6" "$PORT" 6
client "$NS_A" 127.0.0.1 "$PORT2" lo2
sleep 0.2
# Whether the -d instance still ran when the workload was over (else it missed some).
IV_WORK=$(awk -v a="$IV_T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
kill -0 "$IV" 2>/dev/null && IV_LATE= || IV_LATE=1
stop_instances
# It ends by itself at -d: given 10 s more before it is called stuck.
for ((i = 0; i < (IV_D + 10) * 20; i++)); do
	kill -0 "$IV" 2>/dev/null || break
	sleep 0.05
done
IV_SECS=$(awk -v a="$IV_T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
if kill -0 "$IV" 2>/dev/null; then
	kill -KILL "$IV"
	wait "$IV"
	IV_RC="still running ${IV_SECS} s after it attached"
else
	wait "$IV"
	IV_RC=$?
fi

# Each client socket takes ROUNDS echoes (and maybe a last ACK or FIN): both families.
MIN=$((2 * ROUNDS)) MAX=$((4 * ROUNDS + 4))
in_slot "-m -P PORT: both clients' samples, all in 16 -> 31 msecs" "$TMP/ms" 16 $MIN $MAX
N=$(total "$TMP/ms")
if grep -q '^All Addresses = \*\*\*\*\*\* *$' "$TMP/ms" && grep -q '^ *msecs  *: count' "$TMP/ms"
then ok "-m: 'All Addresses' label, msecs unit"
else fail "-m: 'All Addresses' label, msecs unit" "$(head -c 300 "$TMP/ms")"; fi
in_slot "usecs: the same samples in 16384 -> 32767 usecs" "$TMP/us" 16384 "$N" "$N"
in_slot "-p PORT: the server's sockets, in 16 -> 31 msecs" "$TMP/lport" 16 $MIN $MAX
avg=$(sed -n 's/^All Addresses = \*\*\*\*\*\* \[AVG \([0-9]*\)\]$/\1/p' "$TMP/lport")
if [ -n "$avg" ] && [ "$avg" -ge 16 ] && [ "$avg" -le 31 ]; then ok "-e: [AVG $avg] (msecs)"
else fail "-e: [AVG] between 16 and 31" "$(labels "$TMP/lport")"; fi

# -B: a section per remote address; -4 / -6 keep one of them.
want=$(printf 'Remote Address = %s\nRemote Address = %s' "$B4" "$B6")
if [ "$(labels "$TMP/byr")" = "$want" ]; then ok "-B: one section per server address"
else fail "-B: one section per server address" "$(labels "$TMP/byr")"; fi
in_slot "-B: the IPv4 client's samples" "$TMP/byr" 16 $ROUNDS $((2 * ROUNDS + 2)) \
	"Remote Address = $B4 "
in_slot "-B: the IPv6 client's samples" "$TMP/byr" 16 $ROUNDS $((2 * ROUNDS + 2)) \
	"Remote Address = $B6 "
for v in 4 6; do
	[ $v = 4 ] && addr=$B4 || addr=$B6
	if [ "$(labels "$TMP/v$v")" = "Remote Address = $addr" ]; then
		in_slot "-$v -B: only the IPv$v server" "$TMP/v$v" 16 $ROUNDS $((2 * ROUNDS + 2))
	else
		fail "-$v -B: only the IPv$v server" "$(labels "$TMP/v$v")"
	fi
done

# -a / -A: the client's socket by its local address, the server's by its remote one.
if [ "$(labels "$TMP/laddr")" = "Local Address = $A4" ]; then
	in_slot "-a A -b: the IPv4 client's socket only" "$TMP/laddr" 16 $ROUNDS $((2 * ROUNDS + 2))
else
	fail "-a A -b: the IPv4 client's socket only" "$(labels "$TMP/laddr")"
fi
if [ "$(labels "$TMP/raddr")" = "Local Address = $B6" ]; then
	in_slot "-A A -b: the IPv6 server socket only" "$TMP/raddr" 16 $ROUNDS $((2 * ROUNDS + 2))
else
	fail "-A A -b: the IPv6 server socket only" "$(labels "$TMP/raddr")"
fi

# --json: one object, a histogram per remote address, averages, totals.
if jq -e --arg b4 "$B4" --arg b6 "$B6" --argjson n "$N" '
	.unit == "msecs" and ([.hists[].raddr] == [$b4, $b6]) and
	([.hists[].ip] == [4, 6]) and all(.hists[]; .avg >= 16 and .avg <= 39 and
		.hist.total == ([.hist.buckets[].count] | add) and
		([.hist.buckets[] | select(.count > 0) | .low] - [16, 32] == []) and
		5 * ([.hist.buckets[] | select(.low == 32) | .count] | add // 0) <= .hist.total) and
	([.hists[].hist.total] | add) == $n' "$TMP/json" >/dev/null &&
	[ "$(wc -l <"$TMP/json")" = 1 ]; then
	ok "--json -e -B: one object, both addresses, avg and totals"
else
	fail "--json -e -B" "$(head -c 600 "$TMP/json")"
fi

# The raw_tp fallback: the same samples.
check_path "BPFSCOPE_AVOID=tp_btf: raw_tp" "$TMP/raw.err" kinds=raw_tp tcp_probe=raw_tp
in_slot "BPFSCOPE_AVOID=tp_btf: the same samples" "$TMP/raw" 16 "$N" "$N"

# -i 2 -d 10 -T: five timestamped intervals, then it ends by itself; the samples add up.
stamps=$(grep -cE '^[0-9]{2}:[0-9]{2}:[0-9]{2} *$' "$TMP/iv")
n=$(total "$TMP/iv")
name="-i $IV_I -d $IV_D -T: $((IV_D / IV_I)) timestamped intervals, all samples"
if [ -n "$IV_LATE" ]; then
	fail "$name" "it ended before the workload did (${IV_WORK} s after it attached): rc=$IV_RC stamps=$stamps samples=$n (want $N)"
elif [ "$IV_RC" = 0 ] && [ "$stamps" = $((IV_D / IV_I)) ] && [ "$n" = "$N" ]; then
	ok "$name (workload ${IV_WORK} s, ended ${IV_SECS} s after it attached)"
else
	fail "$name" "rc=$IV_RC stamps=$stamps samples=$n (want $N), ended ${IV_SECS} s after it attached: $(head -c 300 "$TMP/iv.err")"
fi

# No hook at all: one line naming what is missing.
BPFSCOPE_AVOID=tp_btf,raw_tp,fentry,kprobe "$BIN/$T" >"$TMP/o" 2>"$TMP/e"
rc=$?
if [ $rc = 1 ] && [ "$(wc -l <"$TMP/e")" = 1 ] && grep -q "^$T: cannot trace .*tcp_probe" "$TMP/e" &&
	grep -q 'tcp_rcv_established' "$TMP/e"; then
	ok "no usable hook: one-line error"
else
	fail "no usable hook: one-line error" "rc=$rc $(cat "$TMP/e")"
fi

# Bad input: one-line usage errors.
for args in "-p 0" "-P 65536" "-a 10.0.0" "-A nowhere" "-b -B" "-4 -a ::1" "-a 10.0.0.1 -A ::1" \
	"-i 0" "-d x"; do
	# shellcheck disable=SC2086
	"$BIN/$T" $args >"$TMP/o" 2>"$TMP/e"
	rc=$?
	if [ $rc = 2 ] && [ "$(wc -l <"$TMP/e")" = 1 ] && grep -q "^$T: " "$TMP/e" && [ ! -s "$TMP/o" ]
	then ok "$args: one-line usage error"
	else fail "$args: one-line usage error" "rc=$rc $(cat "$TMP/e")"; fi
done

# Sourced by test_tcplife.sh and test_tcpstates.sh (after tests/lib.sh): two
# marked loopback sessions, IPv4 and IPv6, each between a client and a server
# process of unique names on a random port, with random byte counts
# (helpers/tcplife_pair.py).  The IPv4 client closes first; the IPv6 server
# shuts its side down first, and its socket ends (FIN_WAIT2 -> CLOSE) when
# the client's close() sends its FIN: in the client's context.  A third,
# IPv4 session (family "r") ends with a reset from the client: the server's
# socket ends in the client's close() before the server has closed it.
#
#	pairs_start          # the processes, waiting; sets SPID4 CPID4 SPID6 CPID6 ...
#	... start the tools (-p may name the PIDs now) ...
#	pairs_run            # the sessions, to their end; sets CPORT4 CPORT6
PAIR=$TOP/tests/integration/helpers/tcplife_pair.py
PY=/usr/bin/python3
[ -x "$PY" ] || skip_all "needs /usr/bin/python3"

id=$((RANDOM % 10000))$((RANDOM % 100))
# A free port for each session (tests/lib.sh free_ports).
PORT4=$(free_ports 3) || bail_out "three free ports"
PORT6=$((PORT4 + 1))
PORTr=$((PORT4 + 2))
CB4=$((200000 + RANDOM)) SB4=$((100000 + RANDOM))
CB6=$((150000 + RANDOM)) SB6=$((50000 + RANDOM))
CBr=$((10000 + RANDOM)) SBr=$((10000 + RANDOM))
HOLD=300 # ms the client keeps each session open after the exchange
CCOMM4=lc4_$id SCOMM4=ls4_$id CCOMM6=lc6_$id SCOMM6=ls6_$id CCOMMr=lcr_$id SCOMMr=lsr_$id

pairs_start() {
	local fam addr port cb sb closer i
	for fam in 4 6 r; do
		mkdir -p "$TMP/pair$fam"
		case $fam in
		4) addr=127.0.0.1 port=$PORT4 cb=$CB4 sb=$SB4 closer=client ;;
		6) addr=::1 port=$PORT6 cb=$CB6 sb=$SB6 closer=server ;;
		r) addr=127.0.0.1 port=$PORTr cb=$CBr sb=$SBr closer=reset ;;
		esac
		"$PY" "$PAIR" $addr $port $cb $sb $HOLD "lc${fam}_$id" "ls${fam}_$id" $closer \
			"$TMP/pair$fam" 2>"$TMP/pair$fam/err" &
		on_exit kill -KILL $!
		for ((i = 0; i < 200; i++)); do
			[ -s "$TMP/pair$fam/pids" ] && break
			sleep 0.05
		done
		read -r "SPID$fam" "CPID$fam" <"$TMP/pair$fam/pids" ||
			bail_out "session $fam: processes start" "$(cat "$TMP/pair$fam/err")"
	done
}

pairs_run() {
	local fam i
	touch "$TMP/pair4/go" "$TMP/pair6/go" "$TMP/pairr/go"
	for fam in 4 6 r; do
		for ((i = 0; i < 200; i++)); do
			[ -e "$TMP/pair$fam/done" ] && break
			sleep 0.05
		done
		if [ -e "$TMP/pair$fam/done" ]; then
			read -r "CPORT$fam" <"$TMP/pair$fam/cport"
			ok "session $fam: the workload ran"
		else
			fail "session $fam: the workload ran" "$(cat "$TMP/pair$fam/err")"
		fi
	done
	# The processes are done; wait (up to 5 s) for the kernel to end their
	# sockets too: a FIN handled late leaves a FIN_WAIT or LAST_ACK socket.
	for ((i = 0; i < 100; i++)); do
		ss -Htan state established state fin-wait-1 state fin-wait-2 state closing \
			state last-ack state close-wait \
			"( sport = :$PORT4 or dport = :$PORT4 or sport = :$PORT6 or dport = :$PORT6 or sport = :$PORTr or dport = :$PORTr )" |
			grep -q . || break
		sleep 0.05
	done
	sleep 0.3 # the last events reach every instance's poll loop
}

# Tool instances in the background, each with its own output $TMP/NAME.
NAMES=()
PIDS=()
start_instance() { # NAME AVOID ARGS...
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

# SIGINT to all at once, then each must exit 0.
stop_instances() {
	local i rc bad=
	kill -INT "${PIDS[@]}" 2>/dev/null
	for i in "${!NAMES[@]}"; do
		TOOL_PID=${PIDS[$i]}
		stop_tool INT
		rc=$?
		[ "$rc" = 0 ] || bad+="${NAMES[$i]}: $rc "
	done
	if [ -z "$bad" ]; then ok "${#NAMES[@]} instances exit 0 on SIGINT"
	else fail "every instance exits 0 on SIGINT" "$bad"; fi
}

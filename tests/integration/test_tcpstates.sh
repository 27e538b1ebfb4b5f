#!/bin/bash
# tcpstates: two marked loopback sessions (IPv4, IPv6) between a client and a
# server of unique names, random ports; the IPv4 client closes first, the
# IPv6 server shuts its side down first.  Each socket
# (client, accepted, listener) must show its exact sequence of states, with
# the process where the process makes the change (connect, listen, close),
# the time spent in the state it leaves (MS) and one SKADDR; each filter
# must show its side and hide the other.
. "$(dirname "$0")/../lib.sh"
need jq ss
T=tcpstates
. "$TOP/tests/integration/helpers/tcplife_pairs.sh"
# The same sessions, but the IPv6 client holds its HOLD from the server's FIN
# (the end of the stream): CLOSE_WAIT lasts HOLD however late the server is.
PAIR=$TOP/tests/integration/helpers/tcpstates_pair.py

pairs_start
start_instance text ""
start_instance json "" --json
start_instance time "" -T
start_instance wide "" -t -w
start_instance lport "" -L "$PORT4"
start_instance rport "" -D "$PORT4,$PORT6"
start_instance ipv4 "" -4
start_instance ipv6 "" -6
start_instance raw_tp tp_btf -v
start_instance tracepoint tp_btf,raw_tp -v
start_instance perfbuf ringbuf -v
pairs_run
stop_instances

# The states of each socket: the side that closes first goes through FIN_WAIT1.
ACTIVE_CLOSE="ESTABLISHED>FIN_WAIT1 FIN_WAIT1>FIN_WAIT2 FIN_WAIT2>CLOSE"
PASSIVE_CLOSE="ESTABLISHED>CLOSE_WAIT CLOSE_WAIT>LAST_ACK LAST_ACK>CLOSE"
CLIENT_SEQ4="CLOSE>SYN_SENT SYN_SENT>ESTABLISHED $ACTIVE_CLOSE"
SERVER_SEQ4="LISTEN>SYN_RECV SYN_RECV>ESTABLISHED $PASSIVE_CLOSE"
CLIENT_SEQ6="CLOSE>SYN_SENT SYN_SENT>ESTABLISHED $PASSIVE_CLOSE"
SERVER_SEQ6="LISTEN>SYN_RECV SYN_RECV>ESTABLISHED $ACTIVE_CLOSE"
LISTEN_SEQ="CLOSE>LISTEN LISTEN>CLOSE"

# sock FAMILY client|server|listener: the local and remote ports of that socket
# (the client's local port is 0 at SYN_SENT: any), and the address.
sock() {
	eval "local port=\$PORT$1 cport=\$CPORT$1"
	case $2 in
	client) K_LP="0|$cport" K_RP=$port ;;
	server) K_LP=$port K_RP=$cport ;;
	listener) K_LP=$port K_RP=0 ;;
	esac
	K_ADDR=127.0.0.1
	[ "$1" = 6 ] && K_ADDR=::1
}

# text_seq FILE SKIP FAMILY SOCKET: "OLD>NEW ..." of that socket's lines (after
# SKIP time columns), and the number of distinct SKADDRs in them.
text_seq() {
	sock "$3" "$4"
	awk -v s="$2" -v lp="^($K_LP)\$" -v rp="$K_RP" -v a="$K_ADDR" \
		'$(s+4) == a && $(s+5) ~ lp && $(s+7) == rp && $(s+9) == "->" {
			seq = seq (seq ? " " : "") $(s+8) ">" $(s+10); sk[$(s+1)] = 1
		} END { n = 0; for (k in sk) n++; print seq "|" n }' "$1"
}

# check_seq NAME FILE SKIP FAMILY SOCKET WANT
check_seq() {
	local got
	got=$(text_seq "$2" "$3" "$4" "$5")
	if [ "$got" = "$6|1" ]; then ok "$1: IPv$4 $5 socket: $6"
	else fail "$1: IPv$4 $5 socket: $6" "got '$got'; its stderr: $(head -c 200 "$2.err")"; fi
}

header="SKADDR           C-PID   C-COMM     LADDR           LPORT RADDR           RPORT OLDSTATE    -> NEWSTATE    MS"
if [ "$(head -1 "$TMP/text")" = "$header" ]; then ok "text: upstream header"
else fail "text: upstream header" "$(head -1 "$TMP/text")"; fi
check_seq text "$TMP/text" 0 4 client "$CLIENT_SEQ4"
check_seq text "$TMP/text" 0 4 server "$SERVER_SEQ4"
check_seq text "$TMP/text" 0 6 client "$CLIENT_SEQ6"
check_seq text "$TMP/text" 0 6 server "$SERVER_SEQ6"
for fam in 4 6; do check_seq text "$TMP/text" 0 $fam listener "$LISTEN_SEQ"; done

# The process, where the process itself makes the change; MS of the state left.
# line FILE FAMILY SOCKET OLD NEW: the text line of that change.
line() {
	sock "$2" "$3"
	awk -v lp="^($K_LP)\$" -v rp="$K_RP" -v a="$K_ADDR" -v o="$4" -v n="$5" \
		'$4 == a && $5 ~ lp && $7 == rp && $8 == o && $10 == n' "$1"
}
# check_line NAME FAMILY SOCKET OLD NEW PID COMM MIN_MS MAX_MS
check_line() {
	local l
	l=$(line "$TMP/text" "$2" "$3" "$4" "$5")
	if [ "$(grep -c . <<<"$l")" = 1 ] &&
		awk -v l="$l" -v p="$6" -v c="$7" -v lo="$8" -v hi="$9" 'BEGIN {
			split(l, f, " "); exit !((p == "" || f[2] == p && f[3] == c) && f[11] >= lo && f[11] <= hi)
		}'; then
		ok "$1"
	else
		fail "$1" "pid $6 $7, ms $8..$9: '$l'"
	fi
}
for fam in 4 6; do
	eval "sp=\$SPID$fam cp=\$CPID$fam sc=\$SCOMM$fam cc=\$CCOMM$fam"
	check_line "IPv$fam: connect() by the client, MS 0 (first change)" $fam client CLOSE SYN_SENT "$cp" "$cc" 0 0
	check_line "IPv$fam: listen() by the server, MS 0" $fam listener CLOSE LISTEN "$sp" "$sc" 0 0
	check_line "IPv$fam: the listener lived at least $HOLD ms" $fam listener LISTEN CLOSE \
		"$sp" "$sc" $HOLD $((HOLD + 5000))
	check_line "IPv$fam: the handshake took under 1 s" $fam client SYN_SENT ESTABLISHED "" "" 0 1000
done
check_line "IPv4: the client's close() after holding it $HOLD ms" 4 client ESTABLISHED FIN_WAIT1 \
	"$CPID4" "$CCOMM4" $HOLD $((HOLD + 3000))
check_line "IPv4: the server's close() after the client's end, 50 ms" 4 server CLOSE_WAIT LAST_ACK \
	"$SPID4" "$SCOMM4" 40 3000
check_line "IPv6: the server's shutdown() first" 6 server ESTABLISHED FIN_WAIT1 "$SPID6" "$SCOMM6" 0 3000
check_line "IPv6: the server's socket ends in the client's close() (C-PID: the task running)" 6 \
	server FIN_WAIT2 CLOSE "$CPID6" "$CCOMM6" $((HOLD / 2)) $((HOLD + 3000))
check_line "IPv6: the client's close() after holding it $HOLD ms from the server's FIN" 6 client \
	CLOSE_WAIT LAST_ACK "$CPID6" "$CCOMM6" $HOLD $((HOLD + 3000))

# --json: the same changes as objects with their states, ports and SKADDR.
if jq -e . "$TMP/json" >/dev/null 2>&1; then ok "--json: every line is JSON"
else fail "--json: every line is JSON" "$(head -c 300 "$TMP/json")"; fi
for fam in 4 6; do
	eval "port=\$PORT$fam cport=\$CPORT$fam cp=\$CPID$fam cc=\$CCOMM$fam want=\$CLIENT_SEQ$fam"
	got=$(jq -r --argjson port "$port" --argjson cport "$cport" --argjson ip $fam \
		'select(.ip == $ip and .rport == $port and (.lport == $cport or .lport == 0)) |
		 "\(.oldstate)>\(.newstate)"' "$TMP/json" | tr '\n' ' ')
	sks=$(jq -r --argjson port "$port" --argjson ip $fam \
		'select(.ip == $ip and .rport == $port) | .skaddr' "$TMP/json" | sort -u)
	first=$(jq -c --argjson port "$port" --argjson ip $fam --argjson pid "$cp" --arg comm "$cc" \
		'select(.ip == $ip and .rport == $port and .newstate == "SYN_SENT" and
			.pid == $pid and .comm == $comm and .ms == 0 and .lport == 0 and
			(.skaddr | test("^[0-9a-f]{16}$")) and .ts > 0)' "$TMP/json")
	if [ "$got" = "$want " ] && [ "$(grep -c . <<<"$sks")" = 1 ] && [ -n "$first" ]; then
		ok "--json: IPv$fam client: states, one skaddr, connect() by PID $cp"
	else
		fail "--json: IPv$fam client: states, one skaddr, connect() by PID $cp" "'$got' skaddr: $sks; $(
			jq -c --argjson port "$port" 'select(.rport == $port and .newstate == "SYN_SENT")' \
				"$TMP/json" | head -c 300)"
	fi
done

# -T, -t -w: time columns, the wide layout (IP column, long comm).
if head -1 "$TMP/time" | grep -q '^TIME     SKADDR ' &&
	grep -qE "^[0-2][0-9]:[0-5][0-9]:[0-5][0-9] [0-9a-f]{16} +$CPID4 " "$TMP/time"; then
	check_seq "-T" "$TMP/time" 1 4 client "$CLIENT_SEQ4"
else
	fail "-T: a TIME column (HH:MM:SS)" "$(head -2 "$TMP/time")"
fi
if head -1 "$TMP/wide" | grep -qE '^TIME\(s\) +SKADDR +C-PID +C-COMM {11}IP LADDR {35}LPORT RADDR' &&
	grep -qE "^[0-9]+\.[0-9]{3} +[0-9a-f]{16} +$CPID6 +$CCOMM6 +6 +::1 " "$TMP/wide"; then
	ok "-t -w: TIME(s), IP column, 16-byte names, 39-column addresses"
else
	fail "-t -w: TIME(s), IP column, 16-byte names, 39-column addresses" "$(head -2 "$TMP/wide")"
fi

# Filters: one socket's lines shown, the others' hidden.
# filter NAME FILE [FAMILY SOCKET]... -- [FAMILY SOCKET]...
filter() {
	local name=$1 file=$2 why= got
	shift 2
	while [ "$1" != -- ]; do
		got=$(text_seq "$file" 0 "$1" "$2")
		[ "${got%|*}" != "" ] || why+="IPv$1 $2 missing; "
		shift 2
	done
	shift
	while [ $# -gt 0 ]; do
		got=$(text_seq "$file" 0 "$1" "$2")
		[ "${got%|*}" = "" ] || why+="IPv$1 $2 shown ($got); "
		shift 2
	done
	if [ -z "$why" ]; then ok "$name"; else fail "$name" "$why"; fi
}
filter "-L PORT4: the IPv4 server's sockets only" "$TMP/lport" 4 server 4 listener -- 4 client 6 server 6 listener 6 client
filter "-D PORT4,PORT6: the clients only" "$TMP/rport" 4 client 6 client -- 4 server 4 listener 6 server 6 listener
filter "-4: IPv4 only" "$TMP/ipv4" 4 client 4 server 4 listener -- 6 client 6 server 6 listener
filter "-6: IPv6 only" "$TMP/ipv6" 6 client 6 server 6 listener -- 4 client 4 server 4 listener
check_seq "-L PORT4" "$TMP/lport" 0 4 server "$SERVER_SEQ4"
check_seq "-D PORT4,PORT6" "$TMP/rport" 0 6 client "$CLIENT_SEQ6"

# Fallbacks forced with BPFSCOPE_AVOID: the path, and the same sequences.
check_path "BPFSCOPE_AVOID=tp_btf: raw_tp" "$TMP/raw_tp.err" inet_sock_set_state=raw_tp buffer=ringbuf
check_seq "raw_tp" "$TMP/raw_tp" 0 4 client "$CLIENT_SEQ4"
check_path "BPFSCOPE_AVOID=tp_btf,raw_tp: classic tracepoint" "$TMP/tracepoint.err" \
	inet_sock_set_state=tracepoint
check_seq "tracepoint" "$TMP/tracepoint" 0 6 server "$SERVER_SEQ6"
check_path "BPFSCOPE_AVOID=ringbuf: perf buffer" "$TMP/perfbuf.err" inet_sock_set_state=tp_btf \
	buffer=perfbuf
check_seq "perfbuf" "$TMP/perfbuf" 0 4 client "$CLIENT_SEQ4"

# Bad input: one line, status 2.
for args in "-L 80,,81" "-D 65536" "-D -1" "-L ''" "-6 -4"; do
	eval "\"\$BIN/\$T\" $args" >"$TMP/o" 2>"$TMP/e"
	rc=$?
	if [ $rc = 2 ] && [ "$(wc -l <"$TMP/e")" = 1 ] && grep -q "^$T: " "$TMP/e" && [ ! -s "$TMP/o" ]; then
		ok "$T $args: one-line usage error"
	else
		fail "$T $args: one-line usage error" "rc=$rc $(cat "$TMP/e")"
	fi
done

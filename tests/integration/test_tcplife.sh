#!/bin/bash
# tcplife: two marked loopback sessions (IPv4, IPv6) between a client and a
# server of unique names, random ports and byte counts; the IPv4 client
# closes first, the IPv6 server shuts its side down first (its socket then
# ends in the client's close(), in the client's context), and a third IPv4
# client ("r") resets its session (the server's socket ends in the client's
# close() before the server closes it: only accept() names the server).  Each side's session must be shown once, as it closes, with its
# own process (the client: its connect(); the server: the close() of the
# accepted socket), its ports, the
# bytes each way (TX_KB/RX_KB within 2 %, JSON: the kernel's counts, which
# add the SYN and FIN, one each) and a lifespan of at least the time the
# client held it.  Each filter must show one side and hide the other.
. "$(dirname "$0")/../lib.sh"
need jq ss
T=tcplife
. "$TOP/tests/integration/helpers/tcplife_pairs.sh"

pairs_start
start_instance text ""
start_instance json "" --json
start_instance time "" -T
start_instance wide "" -t -w
start_instance pid "" -p "$SPID4,$CPID6"
start_instance lport "" -L "$PORT4"
start_instance rport "" -D "$PORT4,$PORT6"
start_instance ipv4 "" -4
start_instance ipv6 "" -6
start_instance raw_tp tp_btf -v
start_instance tracepoint tp_btf,raw_tp -v
start_instance perfbuf ringbuf -v
start_instance rawsys tracepoint -v
pairs_run
stop_instances

# sessions FILE SKIP PID COMM LADDR LPORT RADDR RPORT: "TX_KB RX_KB MS" of each
# text line with these columns (after SKIP time columns).
sessions() {
	awk -v s="$2" -v p="$3" -v c="$4" -v la="$5" -v lp="$6" -v ra="$7" -v rp="$8" \
		'$(s+1) == p && $(s+2) == c && $(s+3) == la && $(s+4) == lp &&
		 $(s+5) == ra && $(s+6) == rp { print $(s+7), $(s+8), $(s+9) }' "$1"
}

# side FAMILY client|server: set the columns of that side's session.
side() {
	local a=127.0.0.1
	[ "$1" = 6 ] && a=::1
	eval "local sp=\$SPID$1 cp=\$CPID$1 port=\$PORT$1 cport=\$CPORT$1"
	eval "local cb=\$CB$1 sb=\$SB$1 cc=\$CCOMM$1 sc=\$SCOMM$1"
	if [ "$2" = client ]; then
		S_PID=$cp S_COMM=$cc S_LPORT=$cport S_RPORT=$port S_TX=$cb S_RX=$sb
	else
		S_PID=$sp S_COMM=$sc S_LPORT=$port S_RPORT=$cport S_TX=$sb S_RX=$cb
	fi
	S_ADDR=$a
}

# check_side NAME FILE SKIP FAMILY SIDE: that session, once, with its bytes and lifespan.
check_side() {
	local name=$1 file=$2 skip=$3 got
	side "$4" "$5"
	got=$(sessions "$file" "$skip" "$S_PID" "$S_COMM" "$S_ADDR" "$S_LPORT" "$S_ADDR" "$S_RPORT")
	if [ "$(grep -c . <<<"$got")" = 1 ] &&
		awk -v g="$got" -v tx="$S_TX" -v rx="$S_RX" -v hold=$HOLD 'BEGIN {
			split(g, f, " ")
			exit !(f[1] >= tx / 1024 * 0.98 && f[1] <= tx / 1024 * 1.02 &&
			       f[2] >= rx / 1024 * 0.98 && f[2] <= rx / 1024 * 1.02 &&
			       f[3] >= hold && f[3] < hold + 3000)
		}'; then
		ok "$name: session $4 $5: PID $S_PID, ports, TX_KB RX_KB MS ($got)"
	else
		fail "$name: session $4 $5: PID $S_PID, ports, TX_KB RX_KB MS" \
			"want ~$((S_TX / 1024)) ~$((S_RX / 1024)) >=$HOLD, got '$got'; lines: $(grep -F "_$id" "$file" | head -4)"
	fi
}

# shows FILE FAMILY SIDE: a line of that session (pid, ports), any columns after.
shows() {
	side "$2" "$3"
	grep -qE "(^| )$S_PID +$S_COMM +[^ ]+ +$S_LPORT +[^ ]+ +$S_RPORT " "$1"
}

# Text: header, and each of the four sessions exactly.
header="PID     COMM             LADDR           LPORT RADDR           RPORT TX_KB  RX_KB  MS"
if [ "$(head -1 "$TMP/text")" = "$header" ]; then ok "text: upstream header"
else fail "text: upstream header" "$(head -1 "$TMP/text")"; fi
for fam in 4 6 r; do
	for s in client server; do check_side text "$TMP/text" 0 $fam $s; done
done
n=$(grep -c "_$id " "$TMP/text")
if [ "$n" = 6 ]; then ok "text: six lines of ours, no more"
else fail "text: six lines of ours, no more" "$n: $(grep "_$id " "$TMP/text")"; fi

# -T, -t -w: the time columns and the wide layout.
if head -1 "$TMP/time" | grep -q '^TIME     PID     COMM ' &&
	grep -qE "^[0-2][0-9]:[0-5][0-9]:[0-5][0-9] +$CPID4 " "$TMP/time"; then
	check_side "-T" "$TMP/time" 1 4 client
else
	fail "-T: a TIME column (HH:MM:SS)" "$(head -2 "$TMP/time")"
fi
if head -1 "$TMP/wide" | grep -qE '^TIME\(s\) +PID +COMM +LADDR {35}LPORT RADDR {35}RPORT TX_KB'; then
	check_side "-t -w" "$TMP/wide" 1 6 server
else
	fail "-t -w: TIME(s) and 39-column addresses" "$(head -1 "$TMP/wide")"
fi

# --json: the kernel's byte counts and the lifespan, for each session.
json_side() { # FAMILY SIDE
	local ip=$1
	[ "$ip" = r ] && ip=4
	side "$1" "$2"
	jq -c --argjson pid "$S_PID" --arg comm "$S_COMM" --arg a "$S_ADDR" \
		--argjson lp "$S_LPORT" --argjson rp "$S_RPORT" --argjson tx "$S_TX" \
		--argjson rx "$S_RX" --argjson ip "$ip" --argjson hold $HOLD \
		'select(.pid == $pid and .comm == $comm and .ip == $ip and .laddr == $a and
			.raddr == $a and .lport == $lp and .rport == $rp and
			.tx_bytes >= $tx and .tx_bytes <= $tx + 2 and
			.rx_bytes >= $rx and .rx_bytes <= $rx + 2 and
			.ms >= $hold and (.time | test("^[0-9]{2}:[0-9]{2}:[0-9]{2}$")) and .ts > 0)' \
		"$TMP/json"
}
if jq -e . "$TMP/json" >/dev/null 2>&1; then ok "--json: every line is JSON"
else fail "--json: every line is JSON" "$(head -c 300 "$TMP/json")"; fi
for fam in 4 6 r; do
	for s in client server; do
		n=$(json_side $fam $s | grep -c .)
		if [ "$n" = 1 ]; then ok "--json: session $fam $s: exact bytes, PID, ports, ms"
		else fail "--json: session $fam $s: exact bytes, PID, ports, ms" \
			"$n objects; ours: $(grep -F "_$id" "$TMP/json" | head -4)"; fi
	done
done

# Filters: the session they name, not the other side's (nor the other family's).
filter() { # NAME FILE [FAMILY SIDE]... -- [FAMILY SIDE]...: shown -- hidden
	local name=$1 file=$2 why=
	shift 2
	while [ "$1" != -- ]; do shows "$file" "$1" "$2" || why+="IPv$1 $2 missing; "; shift 2; done
	shift
	while [ $# -gt 0 ]; do ! shows "$file" "$1" "$2" || why+="IPv$1 $2 shown; "; shift 2; done
	if [ -z "$why" ]; then ok "$name"; else fail "$name" "$why $(grep "_$id " "$file")"; fi
}
filter "-p SERVER4,CLIENT6: those sessions only" "$TMP/pid" 4 server 6 client -- 4 client 6 server
filter "-L PORT4: the IPv4 server's session only" "$TMP/lport" 4 server -- 4 client 6 client 6 server
filter "-D PORT4,PORT6: the clients' sessions only" "$TMP/rport" 4 client 6 client -- 4 server 6 server
filter "-4: IPv4 sessions only" "$TMP/ipv4" 4 client 4 server -- 6 client 6 server
filter "-6: IPv6 sessions only" "$TMP/ipv6" 6 client 6 server -- 4 client 4 server

# Fallbacks forced with BPFSCOPE_AVOID: the path, and the same sessions.
check_path "BPFSCOPE_AVOID=tp_btf: raw_tp" "$TMP/raw_tp.err" inet_sock_set_state=raw_tp buffer=ringbuf
check_side "raw_tp" "$TMP/raw_tp" 0 4 server
check_path "BPFSCOPE_AVOID=tp_btf,raw_tp: classic tracepoint" "$TMP/tracepoint.err" \
	inet_sock_set_state=tracepoint
check_side "tracepoint" "$TMP/tracepoint" 0 6 client
check_path "BPFSCOPE_AVOID=ringbuf: perf buffer" "$TMP/perfbuf.err" inet_sock_set_state=tp_btf \
	buffer=perfbuf
check_side "perfbuf" "$TMP/perfbuf" 0 4 client
check_path "BPFSCOPE_AVOID=tracepoint: accept() exits through raw_syscalls" "$TMP/rawsys.err" \
	sys_exit=raw_tp inet_sock_set_state=tp_btf
check_side "raw sys_exit" "$TMP/rawsys" 0 r server
check_path "default: accept() and accept4() exits through their tracepoints" "$TMP/raw_tp.err" \
	sys_exit_accept4=tracepoint sys_exit_accept=tracepoint

# Bad input: one line, status 2.
for args in "-L 80,,81" "-D 65536" "-L http" "-D ''" "-4 -6"; do
	eval "\"\$BIN/\$T\" $args" >"$TMP/o" 2>"$TMP/e"
	rc=$?
	if [ $rc = 2 ] && [ "$(wc -l <"$TMP/e")" = 1 ] && grep -q "^$T: " "$TMP/e" && [ ! -s "$TMP/o" ]; then
		ok "$T $args: one-line usage error"
	else
		fail "$T $args: one-line usage error" "rc=$rc $(cat "$TMP/e")"
	fi
done

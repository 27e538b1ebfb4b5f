#!/bin/bash
# sslsniff: an OpenSSL s_server and s_client on loopback (programs with unique
# names) exchange a unique payload each way; sslsniff shows each with the
# right FUNC, PID and LEN, as text (control bytes escaped), as hex and cut at
# --max-buffer-size; -p, -u and -c keep the marked side and drop the other.
. "$(dirname "$0")/../lib.sh"

need openssl jq
u=$RANDOM$RANDOM
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=localhost \
	-days 1 -keyout "$TMP/key.pem" -out "$TMP/cert.pem" 2>/dev/null ||
	bail_out "a test certificate is made" "openssl req failed"
chmod 644 "$TMP/key.pem"
ln -s "$(command -v openssl)" "$TMP/sv_$u"
ln -s "$(command -v openssl)" "$TMP/cl_$u"
SRV= CLI=

# start_pair [CMD...]: a server and a client, connected, each fed from a
# FIFO (fds 7 and 8), their output in srv.out and cli.out; sets SRV and CLI.
start_pair() {
	local port i
	port=$(free_ports 1) || bail_out "a free port"
	rm -f "$TMP"/{srv,cli}.{in,out}
	mkfifo "$TMP/srv.in" "$TMP/cli.in"
	"$TMP/sv_$u" s_server -accept "127.0.0.1:$port" -key "$TMP/key.pem" -cert "$TMP/cert.pem" \
		-naccept 1 -quiet <"$TMP/srv.in" >"$TMP/srv.out" 2>&1 &
	SRV=$!
	exec 7>"$TMP/srv.in"
	for ((i = 0; i < 50; i++)); do
		ss -ltn "sport = :$port" | grep -q LISTEN && break
		sleep 0.05
	done
	"$@" "$TMP/cl_$u" s_client -connect "127.0.0.1:$port" -quiet <"$TMP/cli.in" \
		>"$TMP/cli.out" 2>&1 &
	CLI=$!
	exec 8>"$TMP/cli.in"
	on_exit "kill $SRV $CLI"
}

stop_pair() {
	exec 7>&- 8>&-
	kill "$SRV" "$CLI" 2>/dev/null
	wait "$SRV" "$CLI" 2>/dev/null
}

# exchange C2S S2C: the client sends C2S, the server S2C (each a line, sent with printf %b).
exchange() {
	printf '%b' "$1" >&8
	wait_for "$TMP/srv.out" "_${u}" 5 || echo "the server did not get the payload" >&2
	printf '%b' "$2" >&7
	wait_for "$TMP/cli.out" "_${u}" 5 || echo "the client did not get the payload" >&2
}

# --- text, both directions, -x -l --handshake -------------------------------------------
start_tool "$TMP/out" sslsniff -v -x -l --handshake || bail_out "sslsniff starts" "$(cat "$TMP/out.err")"
start_pair
c2s="up_${u}_client" s2c="down_${u}_server_reply"
exchange "$c2s\n" "$s2c\n"
wait_for "$TMP/out" "$s2c" 5
sleep 0.3
stop_tool INT
check "stops with status 0" test $? = 0
stop_pair
check_path "uprobe_multi links on SSL_write and SSL_read, ring buffer" "$TMP/out.err" \
	SSL_write=uprobe_multi SSL_read=uprobe_multi buffer=ringbuf core=cut
check "header FUNC TIME(s) COMM PID LEN UID TID LAT(ms)" \
	grep -qE '^FUNC +TIME\(s\) +COMM +PID +LEN +UID +TID +LAT\(ms\)$' "$TMP/out"
# The line before each payload's DATA block: FUNC TIME COMM PID LEN UID TID LAT.
read -r f _ comm pid len uid tid lat <<<"$(grep -B2 -xF -- "$c2s\\x0a" "$TMP/out" | grep '^WRITE')"
check "client's write: WRITE/SEND, its PID and name, LEN $((${#c2s} + 1))" \
	test "$f $comm $pid $len $uid $tid" = "WRITE/SEND cl_$u $CLI $((${#c2s} + 1)) 0 $CLI"
check "LAT(ms) is a plausible latency ($lat)" awk -v l="$lat" 'BEGIN { exit !(l > 0 && l < 1000) }'
n=$(grep -cE "^READ/RECV +[0-9.]+ +sv_$u +$SRV +$((${#c2s} + 1)) " "$TMP/out")
check "the server reads the same payload: READ/RECV, its PID, same LEN" test "$n" = 1
read -r f _ comm pid len _ <<<"$(grep -B2 -xF -- "$s2c\\x0a" "$TMP/out" | grep "^READ")"
check "server's reply read by the client: READ/RECV, the client's PID, LEN $((${#s2c} + 1))" \
	test "$f $comm $pid $len" = "READ/RECV cl_$u $CLI $((${#s2c} + 1))"
check "the server's write of the reply: WRITE/SEND from its PID" \
	grep -qE "^WRITE/SEND +[0-9.]+ +sv_$u +$SRV +$((${#s2c} + 1)) " "$TMP/out"
check "a handshake line for each side (-l --handshake)" \
	test "$(grep -cE "^HANDSHAKE +[0-9.]+ +(sv|cl)_$u +($SRV|$CLI) +1 " "$TMP/out")" -ge 1
check "data blocks are framed as BCC's" grep -qxF -- "----- END DATA -----" "$TMP/out"

# --- control bytes, hexdump, truncation, --json, perf buffer -----------------------------
BPFSCOPE_AVOID=ringbuf,uprobe_multi start_tool "$TMP/out" sslsniff -v -c "cl_$u" ||
	bail_out "sslsniff -c starts" "$(cat "$TMP/out.err")"
start_pair
ctl="ctl_${u}_\x1b[31mred\x01\x7f"
exchange "$ctl\n" "srv_${u}_x\n"
wait_for "$TMP/out" "ctl_$u" 5
sleep 0.3
stop_tool INT
stop_pair
check_path "BPFSCOPE_AVOID=ringbuf,uprobe_multi: the perf buffer, a uprobe per function" \
	"$TMP/out.err" buffer=perfbuf SSL_write=uprobe SSL_read=uprobe PR_Write=uprobe
if grep -qxF -- "ctl_${u}_\\x1b[31mred\\x01\\x7f\\x0a" "$TMP/out" && ! grep -q $'\033' "$TMP/out"; then
	ok "control bytes in the payload are escaped (\\xNN), none raw"
else
	fail "control bytes in the payload are escaped (\\xNN), none raw" "$(grep -a "ctl_$u" "$TMP/out" | od -c | head -3)"
fi
if grep -q "sv_$u" "$TMP/out"; then fail "-c COMM drops the server (another name)" "shown"
else ok "-c COMM drops the server (another name)"; fi

start_pair
start_tool "$TMP/out" sslsniff --hexdump --max-buffer-size 20 -p "$SRV" ||
	bail_out "sslsniff --hexdump -p starts" "$(cat "$TMP/out.err")"
long="long_${u}_0123456789abcdefghijklmnopqrstuvwxyz"
exchange "$long\n" "short_$u\n"
sleep 0.5
stop_tool INT
stop_pair
hex=$(printf '%s' "${long:0:20}" | od -An -tx1 | tr -d ' \n')
want="${hex:0:32}"$'\n'"${hex:32}"
got=$(grep -A2 -xF -- "----- DATA -----" "$TMP/out" | sed -n 2,3p)
check "--hexdump: the first 20 bytes as hex, 16 a line" test "$got" = "$want"
check "--max-buffer-size 20: END DATA says how many bytes were lost" \
	grep -qxF -- "----- END DATA (TRUNCATED, $((${#long} + 1 - 20)) bytes lost) -----" "$TMP/out"
check "-p: the server's READ/RECV with the full LEN" \
	grep -qE "^READ/RECV +[0-9.]+ +sv_$u +$SRV +$((${#long} + 1)) *\$" "$TMP/out"
if grep -q "cl_$u" "$TMP/out"; then fail "-p PID drops the client" "shown"
else ok "-p PID drops the client"; fi

# --- --json, -u: the client runs as nobody ------------------------------------------------
start_tool "$TMP/out" sslsniff --json -u 65534 || bail_out "sslsniff --json starts" "$(cat "$TMP/out.err")"
# (setpriv execs the client: $! is its PID)
start_pair setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all --
exchange "json_${u}_up\n" "json_${u}_down\n"
sleep 0.5
stop_tool INT
stop_pair
got=$(jq -r --arg c "cl_$u" \
	'select(.comm == $c) | "\(.func) \(.call) \(.pid) \(.len) \(.uid) \(.data | @json)"' \
	"$TMP/out" | tr '\n' '|')
want="WRITE/SEND SSL_write $CLI $((${#u} + 9)) 65534 \"json_${u}_up\\n\"|"
want+="READ/RECV SSL_read $CLI $((${#u} + 11)) 65534 \"json_${u}_down\\n\"|"
check "--json -u: the client's write and read with call, PID, LEN, UID and data" \
	test "$got" = "$want"
if grep -q "sv_$u" "$TMP/out"; then fail "-u UID drops root's server" "shown"
else ok "-u UID drops root's server"; fi

# --- GnuTLS and NSPR (a client and a file through the helper) ----------------------------
if ! cc -O1 -o "$TMP/peers" "$TOP/tests/integration/helpers/sslsniff_peers.c" -I/usr/include/nspr \
	-lgnutls -lnspr4 2>/dev/null; then
	skip "GnuTLS and NSS calls" "the helper does not build (libgnutls28-dev, libnspr4-dev)"
elif start_tool "$TMP/out" sslsniff --json -o -v; then
	port=$(free_ports 1) || bail_out "a free port"
	rm -f "$TMP/srv.in" && mkfifo "$TMP/srv.in"
	"$TMP/sv_$u" s_server -accept "127.0.0.1:$port" -key "$TMP/key.pem" -cert "$TMP/cert.pem" \
		-naccept 1 -quiet <"$TMP/srv.in" >"$TMP/srv.out" 2>&1 &
	SRV=$!
	exec 7>"$TMP/srv.in"
	for ((i = 0; i < 50; i++)); do
		ss -ltn "sport = :$port" | grep -q LISTEN && break
		sleep 0.05
	done
	"$TMP/peers" gnutls "$port" "gnu_${u}_up"$'\n' >"$TMP/gnu.out" &
	gnu=$!
	wait_for "$TMP/srv.out" "gnu_${u}_up" 5
	printf 'gnu_%s_down\n' "$u" >&7
	wait "$gnu"
	check "the GnuTLS client got the reply" grep -q "gnu_${u}_down" "$TMP/gnu.out"
	"$TMP/peers" nspr "$TMP/nspr.file" "nspr_$u" >"$TMP/nspr.pid"
	wait_for "$TMP/out" "nspr_$u" 5
	sleep 0.3
	stop_tool INT
	exec 7>&-
	kill "$SRV" 2>/dev/null
	wait "$SRV" 2>/dev/null
	check_path "-o: no OpenSSL probe; gnutls_record_send and PR_Write probed" "$TMP/out.err" \
		SSL_write=- gnutls_record_send=uprobe_multi PR_Write=uprobe_multi
	pid=$(head -n 1 "$TMP/gnu.out")
	got=$(jq -r --arg p "$pid" 'select(.pid == ($p | tonumber)) | "\(.func) \(.call) \(.len) \(.data)"' \
		"$TMP/out" | tr '\n' '|')
	check "GnuTLS: the client's record send and receive, LEN and data" test "$got" = \
		"WRITE/SEND gnutls_record_send $((${#u} + 8)) gnu_${u}_up||READ/RECV gnutls_record_recv $((${#u} + 10)) gnu_${u}_down||"
	pid=$(head -n 1 "$TMP/nspr.pid")
	got=$(jq -r --arg p "$pid" 'select(.pid == ($p | tonumber)) | "\(.func) \(.call) \(.len) \(.data)"' \
		"$TMP/out" | tr '\n' '|')
	check "NSS: PR_Write and PR_Read of the marked data (NSPR file I/O shows too)" test "$got" = \
		"WRITE/SEND PR_Write $((${#u} + 5)) nspr_$u|READ/RECV PR_Read $((${#u} + 5)) nspr_$u|"
	if grep -q "\"SSL_" "$TMP/out"; then fail "-o leaves OpenSSL calls out" "shown"
	else ok "-o leaves OpenSSL calls out"; fi
else
	fail "sslsniff -o starts" "$(cat "$TMP/out.err")"
fi

# --- bad input ----------------------------------------------------------------------------
out=$("$BIN/sslsniff" --max-buffer-size 16385 2>&1)
check "--max-buffer-size above 16384 is rejected in one line" test "$(wc -l <<<"$out")" = 1
out=$("$BIN/sslsniff" --extra-lib rustls:/x 2>&1)
check "--extra-lib with an unknown type is rejected" grep -q "TYPE openssl, gnutls or nss" <<<"$out"
out=$("$BIN/sslsniff" --extra-lib openssl:/bin/true 2>&1)
check "--extra-lib of a file without the functions: one line, status 1" \
	test "$?" = 1 -a "$(wc -l <<<"$out")" = 1

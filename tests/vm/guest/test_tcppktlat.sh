# tcppktlat in the guest: a loopback nc server stopped (SIGSTOP) before the
# client sends, continued 0.4 s after the data is seen queued at it: its read
# shows with its PID, the port and a wait of at least 0.3 s, on each hook kind
# and buffer, all watching the same read.  Each step waits for the state it
# needs (listening, connected, stopped, data queued), not for a set time.
. /tests/lib.sh
port=$((20000 + $$ % 10000 + 1))

INSTANCES="best||kinds=tp_btf,tcp_probe=tp_btf,buffer=ringbuf
avoid=tp_btf|tp_btf|kinds=raw_tp,tcp_probe=raw_tp,tcp_rcv_space_adjust=raw_tp,tcp_destroy_sock=raw_tp
avoid=ringbuf|ringbuf|tcp_probe=tp_btf,buffer=perfbuf"
echo "$INSTANCES" >"$TMP/instances"
started=
n=0
while IFS='|' read -r path avoid want; do
	n=$((n + 1))
	if BPFSCOPE_AVOID=$avoid start_tool "$TMP/p$n" tcppktlat -v -l $port; then
		eval "pid_$n=$TOOL_PID"
		started="$started $n"
	else
		fail "tcppktlat [$path] starts" "$(tail -n 2 "$TMP/p$n.err")"
	fi
done <"$TMP/instances"

# srv_conn: "STATE RX_QUEUE" (hex) of the server's end of the connection (local
# port $port, busybox nc listens on IPv6; the listener is state 0A).
hexport=$(printf '%04X' $port)
srv_conn() {
	awk -v p=":$hexport" 'substr($2, length($2) - 4) == p && $4 != "0A" { split($5, q, ":"); print $4, q[2] }' \
		/proc/net/tcp /proc/net/tcp6
}
listening() { netstat -tln | grep -q ":$port "; }
connected() { srv_conn | grep -q '^01 '; }
stopped() { [ "$(sed 's/.*) //' /proc/$srv/stat | cut -d' ' -f1)" = T ]; }
queued() { srv_conn | grep -q '^01 0*[1-9A-F]'; }
# until_ok WHAT: WHAT succeeds within 10 s; if not, it is named in $late.
late=
until_ok() {
	local i=0
	until "$1"; do
		if [ $i -ge 100 ]; then
			late="$late $1"
			return 1
		fi
		sleep 0.1
		i=$((i + 1))
	done
}

# (inputs held open until $TMP/end: busybox nc ends the connection when its
# input ends; the client's data goes only once $TMP/go exists)
{ until [ -e "$TMP/end" ]; do sleep 0.1; done; } | nc -l -p $port >/dev/null &
srv=$!
until_ok listening
{
	until [ -e "$TMP/go" ]; do sleep 0.05; done
	echo bpfscope-tcppktlat
	until [ -e "$TMP/end" ]; do sleep 0.1; done
} | nc 127.0.0.1 $port >/dev/null &
cli=$!
until_ok connected
kill -STOP $srv
until_ok stopped
: >"$TMP/go"
# The data is in the stopped server's queue: its read comes 0.4 s later at the earliest.
until_ok queued
sleep 0.4
kill -CONT $srv
for n in $started; do wait_for "$TMP/p$n" " $port " 5; done
: >"$TMP/end"
kill $cli $srv 2>/dev/null
wait $cli $srv 2>/dev/null

n=0
while IFS='|' read -r path avoid want; do
	n=$((n + 1))
	case " $started " in *" $n "*) ;; *) continue ;; esac
	eval "TOOL_PID=\$pid_$n"
	stop_tool
	rc=$?
	# (busybox nc listens on IPv6: the addresses are IPv4-mapped)
	ms=$(sed -nE "s/^$srv +$srv +nc +(::ffff:)?127\.0\.0\.1 +$port +(::ffff:)?127\.0\.0\.1 +[0-9]+ +([0-9.]+)\$/\3/p" \
		"$TMP/p$n" | head -n 1)
	if [ $rc = 0 ] && [ -n "$ms" ] && awk -v m="$ms" 'BEGIN { exit !(m >= 300) }'; then
		ok "tcppktlat [$path] shows the stopped server's read: its PID, port, ${ms} ms"
	else
		fail "tcppktlat [$path] shows the stopped server's read" \
			"exit $rc, pid $srv, ms '$ms'${late:+, not seen in 10 s:$late}: $(tail -n 3 "$TMP/p$n")"
	fi
	check_path "tcppktlat [$path] takes $want" "$TMP/p$n.err" $(echo "$want" | tr ',' ' ')
	matrix_line tcppktlat "$path" "$TMP/p$n.err"
done <"$TMP/instances"

# tcpsynbl in the guest: a loopback listener with a backlog limit of its own
# that never accepts, and more connects than its queue takes: every path
# (tracepoints, whose SYN_RECV child still carries the listener's backlog,
# and upstream's fentry/kprobe on tcp_v4/v6_syn_recv_sock) must show each
# length 0..LIMIT exactly once under that limit.
. /tests/lib.sh
ip link set lo up 2>/dev/null
N=$((9 + $$ % 7))
port=$((20000 + $$ % 10000))

# NAME|AVOID|check_path SPECS (comma separated)
PATHS="best||kinds=tp_btf,inet_sock_set_state=tp_btf
raw_tp|tp_btf|kinds=raw_tp,inet_sock_set_state=raw_tp
tracepoint|tp_btf,raw_tp|kinds=tracepoint,inet_sock_set_state=tracepoint
fentry|tp_btf,raw_tp,tracepoint,kprobe|kinds=fentry,tcp_v4_syn_recv_sock=fentry,tcp_v6_syn_recv_sock=fentry
kprobe|tp_btf,raw_tp,tracepoint,fentry|kinds=kprobe,tcp_v4_syn_recv_sock=kprobe,tcp_v6_syn_recv_sock=kprobe"
path_of() { if [ -n "$1" ]; then echo "avoid=$1"; else echo best; fi; }

echo "$PATHS" >"$TMP/paths"
started=
while IFS='|' read -r name avoid want; do
	if BPFSCOPE_AVOID=$avoid start_tool "$TMP/$name" tcpsynbl -v; then
		eval "pid_$name=$TOOL_PID"
		started="$started $name"
	elif [ $name = fentry ] && why=$(grep -o 'fentry tcp_v4_syn_recv_sock: [^;]*' "$TMP/$name.err")
	then
		# (Debian's 6.1 refuses it: the kprobe path, tested below, serves that kernel.)
		skip "tcpsynbl [$(path_of "$avoid")] starts" "$why"
	else
		fail "tcpsynbl [$(path_of "$avoid")] starts" "$(tail -n 2 "$TMP/$name.err")"
	fi
done <"$TMP/paths"

/helpers/tcpsynbl_backlog 127.0.0.1 $port $N $((N + 2)) 300 >"$TMP/w" 2>&1
if grep -qx "established $((N + 1))" "$TMP/w"; then ok "tcpsynbl: workload: $((N + 1)) connects complete"
else fail "tcpsynbl: workload: $((N + 1)) connects complete" "$(cat "$TMP/w")"; fi

# The non-empty rows of the histogram of limit N, and what lengths 0..N give.
rows() {
	awk -v want="backlog_max = $N" '
		/^backlog_max = / { insec = $0 == want; next }
		insec && / -> / && $5 > 0 { print $1, $5 }' "$1" | tr '\n' ' '
}
want=$(awk -v n=$N 'BEGIN {
	for (v = 0; v <= n; v++) { s = 0; for (x = v; x > 1; x = int(x / 2)) s++; c[s]++ }
	for (s = 0; s in c; s++) { print (s ? p : 0), c[s]; p = s ? p * 2 : 2 } }' | tr '\n' ' ')

while IFS='|' read -r name avoid want_path; do
	case " $started " in *" $name "*) ;; *) continue ;; esac
	eval "TOOL_PID=\$pid_$name"
	stop_tool
	rc=$?
	path=$(path_of "$avoid")
	got=$(rows "$TMP/$name")
	if [ $rc = 0 ] && [ "$got" = "$want" ]; then
		ok "tcpsynbl [$path] lengths 0..$N once each under backlog_max = $N"
	else
		fail "tcpsynbl [$path] lengths 0..$N once each" "rc=$rc got [$got] want [$want]"
	fi
	check_path "tcpsynbl [$path] takes $want_path" "$TMP/$name.err" $(echo "$want_path" | tr ',' ' ')
	matrix_line tcpsynbl "$path" "$TMP/$name.err"
done <"$TMP/paths"

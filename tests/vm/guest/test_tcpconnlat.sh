# tcpconnlat in the guest: a marked nc connects to a listener on loopback and
# another to a closed port (never shown), seen by one instance per hook kind
# and buffer.
. /tests/lib.sh
port=$((20000 + $$ % 10000 + 2))
closed=$((port + 1))
ip link set lo up

INSTANCES="best||kinds=tp_btf,buffer=ringbuf
tp_btf|tp_btf|kinds=raw_tp,inet_sock_set_state=raw_tp
tracepoint|tp_btf,raw_tp|kinds=tracepoint,inet_sock_set_state=tracepoint
ringbuf|ringbuf|inet_sock_set_state=tp_btf,buffer=perfbuf"
path_of() { if [ -n "$1" ]; then echo "avoid=$1"; else echo best; fi; }

started=
echo "$INSTANCES" >"$TMP/instances"
while IFS='|' read -r name avoid want; do
	if BPFSCOPE_AVOID=$avoid start_tool "$TMP/$name" tcpconnlat -v -L; then
		eval "pid_$name=$TOOL_PID"
		started="$started $name"
	else
		fail "tcpconnlat [$(path_of "$avoid")] starts" "$(tail -n 2 "$TMP/$name.err")"
	fi
done <"$TMP/instances"

nc -ll -p $port -e /bin/true &
srv=$!
i=0
while [ $i -lt 50 ] && ! netstat -tln | grep -q ":$port "; do sleep 0.1; i=$((i + 1)); done
sh -c 'echo $$ >"$1"; exec nc -w 2 127.0.0.1 "$2" </dev/null' _ "$TMP/pid.x" $closed \
	>/dev/null 2>&1
sh -c 'echo $$ >"$1"; exec nc -w 2 127.0.0.1 "$2" </dev/null' _ "$TMP/pid" $port >/dev/null
pid=$(cat "$TMP/pid")
re="^$pid +nc +4 +127\.0\.0\.1 +[1-9][0-9]* +127\.0\.0\.1 +$port +[0-9]+\.[0-9][0-9]\$"
for name in $started; do wait_for "$TMP/$name" "$re" 5; done
kill $srv 2>/dev/null
wait $srv 2>/dev/null

while IFS='|' read -r name avoid want; do
	case " $started " in *" $name "*) ;; *) continue ;; esac
	eval "TOOL_PID=\$pid_$name"
	stop_tool
	rc=$?
	path=$(path_of "$avoid")
	lat=$(grep -E "$re" "$TMP/$name" | awk '{ print $NF }')
	if [ $rc = 0 ] && [ -n "$lat" ] && awk -v l="$lat" 'BEGIN { exit !(l > 0) }' &&
		! grep -qE " $closed +[0-9.]+\$" "$TMP/$name"; then
		ok "tcpconnlat [$path] shows the marked connect with its PID and latency ($lat ms), not the refused one"
	else
		fail "tcpconnlat [$path] shows the marked connect with its PID and latency" \
			"exit status $rc, pid $pid: $(grep -E " ($port|$closed) " "$TMP/$name" | head -n 3)"
	fi
	want=$(echo "$want" | tr ',' ' ')
	check_path "tcpconnlat [$path] takes $want" "$TMP/$name.err" $want
	matrix_line tcpconnlat "$path" "$TMP/$name.err"
done <"$TMP/instances"

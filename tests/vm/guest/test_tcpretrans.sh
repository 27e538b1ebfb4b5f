# tcpretrans in the guest: retransmits of a TCP flow across a veth pair whose
# receiving end is taken down for a while; -l (tail loss probes) where the
# kernel has fentry or kprobes.
. /tests/lib.sh
port=$((20000 + $$ % 10000))

# A network namespace for the receiver, held by a sleeping process.
unshare -n sleep 600 &
holder=$!
sleep 0.2
inb() { nsenter -t $holder -n "$@"; }
if ! ip link add vs type veth peer name vr 2>"$TMP/ip.err"; then
	skip "tcpretrans: veth pair" "$(cat "$TMP/ip.err")"
	kill $holder
	exit 0
fi
# busybox ip names the peer itself (veth0): rename it.
peer=$(ip link | sed -n 's/^[0-9]*: \([^@]*\)@vs:.*/\1/p')
[ "$peer" = vr ] || ip link set "$peer" name vr
ip link set vr netns $holder
ip addr add 192.0.2.1/24 dev vs
ip link set vs up
inb ip addr add 192.0.2.2/24 dev vr
inb ip link set vr up
inb ip link set lo up

# flow: a server in the namespace, a client writing to it; then a blackout.
flow() {
	# busybox nc ends the connection when its stdin ends: keep it open.
	sleep 20 | inb nc -l -p $port >/dev/null &
	srv=$!
	sleep 0.3
	yes "bpfscope retransmit test" | nc 192.0.2.2 $port &
	cli=$!
	sleep 0.5
	[ -n "${DEBUG:-}" ] && { ip addr; inb ip addr; netstat -tn; inb netstat -tln; }
	inb ip link set vr down
	sleep 3
	[ -n "${DEBUG:-}" ] && { netstat -tn; ip link; cat /proc/net/snmp | grep Tcp; }
	inb ip link set vr up
	sleep 0.5
	kill $cli $srv 2>/dev/null
	wait $cli $srv 2>/dev/null
}

for path in best avoid=tp_btf avoid=tp_btf,raw_tp avoid=ringbuf; do
	env_avoid=$(avoid_env "$path")
	if ! BPFSCOPE_AVOID=$env_avoid start_tool "$TMP/out" tcpretrans -v; then
		fail "tcpretrans [$path] starts" "$(tail -n 2 "$TMP/out.err")"
		continue
	fi
	flow
	stop_tool
	if grep -qE "4 +192\.0\.2\.1:[0-9]+ +R> 192\.0\.2\.2:$port +ESTABLISHED" "$TMP/out"; then
		ok "tcpretrans [$path] shows the flow's retransmits"
	else
		fail "tcpretrans [$path] shows the flow's retransmits" "$(tail -n 3 "$TMP/out")"
	fi
	matrix_line tcpretrans "$path" "$TMP/out.err"
	port=$((port + 1))
done

for path in best avoid=fentry; do
	env_avoid=$(avoid_env "$path")
	if ! BPFSCOPE_AVOID=$env_avoid start_tool "$TMP/out" tcpretrans -v -l; then
		fail "tcpretrans -l [$path] starts" "$(tail -n 2 "$TMP/out.err")"
		continue
	fi
	flow
	stop_tool
	if grep -qE "192\.0\.2\.1:[0-9]+ +L> 192\.0\.2\.2:$port" "$TMP/out"; then
		ok "tcpretrans -l [$path] shows tail loss probes"
	else
		fail "tcpretrans -l [$path] shows tail loss probes" "$(tail -n 3 "$TMP/out")"
	fi
	matrix_line tcpretrans "-l,$path" "$TMP/out.err"
	port=$((port + 1))
done
kill $holder

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

# wait_until SECONDS CMD...: retry CMD every 0.1 s.
wait_until() {
	n=$(($1 * 10))
	shift
	while [ $n -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}
listening() { inb netstat -tln | grep -q ":$port "; }
established() { netstat -tn | grep -q "192.0.2.2:$port .*ESTABLISHED"; }

# flow REGEX: a server in the namespace, a client writing to it, then the
# receiving end goes down for 3 s (up to twice, until the tool shows REGEX).
flow() {
	# busybox nc ends the connection when its stdin ends: keep it open.
	sleep 30 | inb nc -l -p $port >/dev/null &
	srv=$!
	wait_until 10 listening
	yes "bpfscope retransmit test" | nc 192.0.2.2 $port &
	cli=$!
	wait_until 10 established
	for attempt in 1 2; do
		inb ip link set vr down
		sleep 3
		inb ip link set vr up
		wait_for "$TMP/out" "$1" 3 && break
	done
	kill $cli $srv 2>/dev/null
	wait $cli $srv 2>/dev/null
}

for path in best avoid=tp_btf avoid=tp_btf,raw_tp avoid=ringbuf; do
	env_avoid=$(avoid_env "$path")
	if ! BPFSCOPE_AVOID=$env_avoid start_tool "$TMP/out" tcpretrans -v; then
		fail "tcpretrans [$path] starts" "$(tail -n 2 "$TMP/out.err")"
		continue
	fi
	re="4 +192\.0\.2\.1:[0-9]+ +R> 192\.0\.2\.2:$port +ESTABLISHED"
	flow "$re"
	stop_tool
	if grep -qE "$re" "$TMP/out"; then
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
	re="192\.0\.2\.1:[0-9]+ +L> 192\.0\.2\.2:$port"
	flow "$re"
	stop_tool
	if grep -qE "$re" "$TMP/out"; then
		ok "tcpretrans -l [$path] shows tail loss probes"
	else
		fail "tcpretrans -l [$path] shows tail loss probes" "$(tail -n 3 "$TMP/out")"
	fi
	matrix_line tcpretrans "-l,$path" "$TMP/out.err"
	port=$((port + 1))
done
kill $holder

# tcpretrans in the guest: retransmits of a TCP flow across a veth pair whose
# receiving end is taken down for a while, seen by one instance per path (each
# hook kind and buffer; -l: tail loss probes through fentry, or kprobes), all
# watching the same flow.
. /tests/lib.sh
port=$((20000 + $$ % 10000))

# A network namespace for the receiver, held by a sleeping process.
unshare -n sleep 600 &
holder=$!
sleep 0.2
inb() { nsenter -t $holder -n "$@"; }
if ! ip link add vs type veth peer name vr 2>"$TMP/ip.err"; then
	kill $holder
	skip_all "no veth pair: $(cat "$TMP/ip.err")"
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
	local n=$(($1 * 10))
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

R="4 +192\.0\.2\.1:[0-9]+ +R> 192\.0\.2\.2:$port +ESTABLISHED"
L="192\.0\.2\.1:[0-9]+ +L> 192\.0\.2\.2:$port"

# The instances: NAME AVOID WANT(check_path) ARGS.  (On 6.1 and 6.12 CO-RE
# relocates against the whole kernel BTF: "a type it relocates is not in the
# kernel image's BTF".)
INSTANCES="best||kinds=tp_btf,buffer=ringbuf|
tp_btf|tp_btf|kinds=raw_tp,tcp_retransmit_skb=raw_tp|
tracepoint|tp_btf,raw_tp|kinds=tracepoint,tcp_retransmit_skb=tracepoint|
ringbuf|ringbuf|tcp_retransmit_skb=tp_btf,buffer=perfbuf|
l_best||tcp_retransmit_skb=tp_btf,tcp_send_loss_probe=fentry|-l
l_fentry|fentry|tcp_retransmit_skb=tp_btf,tcp_send_loss_probe=kprobe|-l"
# What each instance's matrix row is called.
row() { case $1 in l_*) echo "-l,$(path_of "$2")" ;; *) path_of "$2" ;; esac; }
path_of() { if [ -n "$1" ]; then echo "avoid=$1"; else echo best; fi; }

started=
echo "$INSTANCES" >"$TMP/instances"
while IFS='|' read -r name avoid want args; do
	if BPFSCOPE_AVOID=$avoid start_tool "$TMP/$name" tcpretrans -v $args; then
		eval "pid_$name=$TOOL_PID"
		started="$started $name"
	else
		fail "tcpretrans [$(row "$name" "$avoid")] starts" "$(tail -n 2 "$TMP/$name.err")"
	fi
done <"$TMP/instances"

# seen_all: every instance shows the retransmits (and -l ones the probes).
seen_all() {
	for name in $started; do
		grep -qE "$R" "$TMP/$name" || return 1
		case $name in l_*) grep -qE "$L" "$TMP/$name" || return 1 ;; esac
	done
}

# A server in the namespace (its input held open by fd 3: busybox nc ends the
# connection when its input ends), a client writing to it, then the receiving
# end goes down for 3 s, up to twice, until every instance has seen it.
mkfifo "$TMP/srv.in"
inb nc -l -p $port <"$TMP/srv.in" >/dev/null &
srv=$!
exec 3>"$TMP/srv.in"
wait_until 10 listening
yes "bpfscope retransmit test" | nc 192.0.2.2 $port >/dev/null &
cli=$!
wait_until 10 established || fail "tcpretrans: a connection to the namespace" "not established"
for attempt in 1 2; do
	inb ip link set vr down
	sleep 3
	inb ip link set vr up
	wait_until 3 seen_all && break
done
exec 3>&-
kill $cli $srv 2>/dev/null
wait $cli $srv 2>/dev/null

while IFS='|' read -r name avoid want args; do
	case " $started " in *" $name "*) ;; *) continue ;; esac
	eval "TOOL_PID=\$pid_$name"
	stop_tool
	rc=$?
	path=$(row "$name" "$avoid")
	what="shows the flow's retransmits"
	re=$R
	case $name in l_*) what="shows tail loss probes" re=$L ;; esac
	if [ $rc = 0 ] && grep -qE "$re" "$TMP/$name"; then
		ok "tcpretrans [$path] $what"
	else
		fail "tcpretrans [$path] $what" "exit status $rc: $(tail -n 3 "$TMP/$name")"
	fi
	want=$(echo "$want" | tr ',' ' ')
	check_path "tcpretrans [$path] takes $want" "$TMP/$name.err" $want
	matrix_line tcpretrans "$path" "$TMP/$name.err"
done <"$TMP/instances"
kill $holder

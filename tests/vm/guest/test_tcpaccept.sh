# tcpaccept in the guest: loopback connections accepted with accept() (IPv4)
# and accept4() (IPv6) by the static helper tcpaccept_conns appear with its
# PID and exact ports on every hook kind and buffer: the syscall tracepoints
# with the descriptor resolved by include/bpf/fdfile.bpf.h, raw_syscalls
# (avoid=tracepoint), and without syscall hooks the end of the handshake,
# without a process (avoid=tracepoint,raw_tp).
. /tests/lib.sh
for path in best avoid=ringbuf avoid=tracepoint avoid=tracepoint,raw_tp; do
	case $path in
	best) want="kinds=tracepoint sys_exit_accept=tracepoint sys_exit_accept4=tracepoint buffer=ringbuf core=cut" ;;
	avoid=ringbuf) want="kinds=tracepoint buffer=perfbuf" ;;
	avoid=tracepoint) want="kinds=raw_tp sys_exit=raw_tp buffer=ringbuf" ;;
	avoid=tracepoint,raw_tp) want="kinds=tp_btf inet_sock_set_state=tp_btf buffer=ringbuf" ;;
	esac
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" tcpaccept -v; then
		fail "tcpaccept [$path] starts" "$(tail -n 3 "$TMP/out.err")"
		continue
	fi
	tcpaccept_conns 4,accept,0 6,accept4,0 >"$TMP/h"
	set -- $(grep '^conn 1 ' "$TMP/h") $(grep '^conn 2 ' "$TMP/h")
	l4=$4 r4=$6 l6=${12} r6=${14}
	pid=$(sed -n 's/^pid //p' "$TMP/h")
	who="$pid +tcpaccept_conns"
	[ "$path" = avoid=tracepoint,raw_tp ] && who="- +-"
	wait_for "$TMP/out" " $l6\$" 5
	stop_tool
	rc=$?
	if [ $rc = 0 ] && grep -qE "^$who +4 +127\.0\.0\.1 +$r4 +127\.0\.0\.1 +$l4\$" "$TMP/out" &&
		grep -qE "^$who +6 +::1 +$r6 +::1 +$l6\$" "$TMP/out"; then
		ok "tcpaccept [$path] shows IPv4 accept() and IPv6 accept4() with exact ports and PID"
	else
		fail "tcpaccept [$path] shows IPv4 accept() and IPv6 accept4() with exact ports and PID" \
			"exit status $rc, pid $pid, ports $l4 $r4 $l6 $r6: $(grep -E " ($l4|$l6)\$" "$TMP/out")"
	fi
	check_path "tcpaccept [$path] takes $want" "$TMP/out.err" $want
	matrix_line tcpaccept "$path" "$TMP/out.err"
done

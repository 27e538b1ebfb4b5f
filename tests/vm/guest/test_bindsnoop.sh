# bindsnoop in the guest: binds by the static helper bindsnoop_binds with each
# socket option (inet_sock bitfields on 6.1, inet_flags bits from 6.6), a
# device, TCP and UDP, IPv4 and IPv6 and a failed bind (-x) appear exactly
# with its PID, on every hook kind and buffer (avoid=tracepoint: raw_syscalls).
. /tests/lib.sh
for path in best avoid=ringbuf avoid=tracepoint; do
	case $path in
	best) want="kinds=tracepoint sys_enter_bind=tracepoint sys_exit_bind=tracepoint buffer=ringbuf core=cut" ;;
	avoid=ringbuf) want="kinds=tracepoint buffer=perfbuf" ;;
	avoid=tracepoint) want="kinds=raw_tp sys_enter=raw_tp sys_exit=raw_tp buffer=ringbuf" ;;
	esac
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" bindsnoop -x -v; then
		fail "bindsnoop [$path] starts" "$(tail -n 3 "$TMP/out.err")"
		continue
	fi
	bindsnoop_binds tcp,4,F,127.0.0.1,0 tcp,4,T,127.0.0.1,0 tcp,4,N,127.0.0.1,0 \
		tcp,4,R,127.0.0.1,0 udp,4,r,127.0.0.1,0 tcp,6,FD,::1,0 tcp,6,-,::1,prev >"$TMP/h"
	pid=$(sed -n 's/^pid //p' "$TMP/h")
	wait_for "$TMP/out" " -98 " 5
	stop_tool
	rc=$?
	# What each bind must show: RET PROTO OPTS IF PORT ADDR (RET and PORT from the helper).
	set -- "TCP F.... 0 127.0.0.1" "TCP .T... 0 127.0.0.1" "TCP ..N.. 0 127.0.0.1" \
		"TCP ...R. 0 127.0.0.1" "UDP ....r 0 127.0.0.1" "TCP F.... 1 ::1" "TCP ..... 0 ::1"
	n=0 bad=
	for shown in "$@"; do
		n=$((n + 1))
		ret=$(sed -n "s/^bind $n ret \([-0-9]*\) port .*/\1/p" "$TMP/h")
		port=$(sed -n "s/^bind $n ret .* port \([0-9]*\)\$/\1/p" "$TMP/h")
		echo "$shown" | {
			read -r proto opts ifx addr
			opts=$(echo "$opts" | sed 's/\./\\./g')
			grep -qE "^$pid +bindsnoop_binds +$ret +$proto +$opts +$ifx +$port +$addr\$" \
				"$TMP/out"
		} || bad="$bad [$n: $ret $shown $port]"
	done
	if [ $rc = 0 ] && [ -z "$bad" ] && grep -q "^bind 7 ret -98 " "$TMP/h"; then
		ok "bindsnoop [$path] shows each option, the device, TCP/UDP, IPv4/IPv6 and EADDRINUSE exactly"
	else
		fail "bindsnoop [$path] shows each option, the device, TCP/UDP, IPv4/IPv6 and EADDRINUSE exactly" \
			"exit status $rc, pid $pid; missing:$bad; got: $(grep bindsnoop_binds "$TMP/out" | tr '\n' '|')"
	fi
	check_path "bindsnoop [$path] takes $want" "$TMP/out.err" $want
	matrix_line bindsnoop "$path" "$TMP/out.err"
done

#!/bin/bash
# bindsnoop: binds by uniquely named programs with each socket option, TCP and
# UDP, IPv4 and IPv6, one failing with EADDRINUSE; exact PID, RET, PROTO,
# OPTS, IF, PORT and ADDR; every filter shows the marked binds and hides the
# others; each fallback shows them too.
. "$(dirname "$0")/../lib.sh"
need cc jq

T=bindsnoop
id=$((RANDOM % 9000 + 1000))$((RANDOM % 10))
# Unique commands: A, the one every filter looks for; B runs as nobody; C in a cgroup.
A=bs${id}a B=bs${id}b C=bs${id}c
cc -O1 -o "$TMP/$A" "$TOP/tests/helpers/bindsnoop_binds.c" || bail_out "cannot build the helper"
cp "$TMP/$A" "$TMP/$B" && cp "$TMP/$A" "$TMP/$C"
P1=$((10000 + RANDOM % 20000)) # A's marked port, below the kernel's ephemeral range

# A's binds: PROTO,FAMILY,OPTS,ADDR,PORT (tests/helpers/bindsnoop_binds.c), and
# what bindsnoop must show for each: PROTO OPTS IF ADDR.
SPECS=(tcp,4,F,127.0.0.1,$P1 tcp,4,T,127.0.0.1,0 tcp,4,N,127.0.0.1,0 tcp,4,R,127.0.0.1,0
	udp,4,r,127.0.0.1,0 tcp,6,FD,::1,0 udp,6,-,::1,0 udp,6,-,::1,prev
	tcp,4,-,127.0.0.1,$P1)
SHOWN=("TCP F.... 0 127.0.0.1" "TCP .T... 0 127.0.0.1" "TCP ..N.. 0 127.0.0.1"
	"TCP ...R. 0 127.0.0.1" "UDP ....r 0 127.0.0.1" "TCP F.... 1 ::1" "UDP ..... 0 ::1"
	"UDP ..... 0 ::1" "TCP ..... 0 127.0.0.1")

# A waits for $TMP/go so that -p can name it; it exec()s, keeping its PID.
bash -c 'while [ ! -e "$1" ]; do sleep 0.02; done; shift; exec "$@"' \
	_ "$TMP/go" "$TMP/$A" "${SPECS[@]}" >"$TMP/A.out" &
APID=$!
on_exit kill -KILL $APID

cg2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
CG=
if [ -n "$cg2" ] && mkdir "$cg2/bpfscope_bs_$id" 2>/dev/null; then
	CG=$cg2/bpfscope_bs_$id
	on_exit rmdir "$CG"
fi

NAMES=()
PIDS=()
# start_instance NAME AVOID ARGS...: a bindsnoop in the background, output in $TMP/NAME.
start_instance() {
	local name=$1 avoid=$2
	shift 2
	if BPFSCOPE_AVOID=$avoid start_tool "$TMP/$name" "$T" "$@"; then
		NAMES+=("$name")
		PIDS+=("$TOOL_PID")
		on_exit kill -KILL "$TOOL_PID"
	else
		fail "$name: starts" "$(head -c 300 "$TMP/$name.err")"
	fi
	TOOL_PID=
}

start_instance text ""
start_instance failed "" -x
start_instance json "" -x --json
start_instance times "" -t -T
start_instance pid "" -x -p $APID
start_instance port "" -x -P $P1
start_instance uid "" -u 65534
start_instance name "" -n $A
[ -n "$CG" ] && start_instance cgroup "" -c "$CG"
start_instance raw_tp tracepoint -x -v
start_instance perfbuf ringbuf -x -v

touch "$TMP/go"
wait $APID
run_as_nobody "$TMP/$B" udp,4,-,127.0.0.1,0 >"$TMP/B.out"
if [ -n "$CG" ]; then
	(echo $BASHPID >"$CG/cgroup.procs" && exec "$TMP/$C" tcp,4,-,127.0.0.1,0) >"$TMP/C.out"
fi
sleep 0.5
for i in "${!NAMES[@]}"; do
	TOOL_PID=${PIDS[$i]}
	stop_tool INT || fail "${NAMES[$i]}: exits 0 on SIGINT" "exit status $?"
done

# line WHO N PROTO OPTS IF ADDR: the text line of WHO's bind N (RET and PORT
# from the helper's output), as a regular expression.
line() {
	local who=$1 n=$2 out=$TMP/$1.out pid ret port
	pid=$(sed -n 's/^pid //p' "$out")
	read -r ret port < <(sed -n "s/^bind $n ret \(-*[0-9]*\) port \([0-9]*\)\$/\1 \2/p" "$out")
	[ -n "$port" ] || { echo "no-bind-$who-$n"; return; }
	echo "^$pid +${!who} +$ret +$3 +$(sed 's/\./\\./g' <<<"$4") +$5 +$port +$(sed 's/\./\\./g' <<<"$6")\$"
}
for i in "${!SPECS[@]}"; do
	L[$i]=$(line A $((i + 1)) ${SHOWN[$i]})
done
LB=$(line B 1 UDP ..... 0 127.0.0.1)
LC=no-cgroup-bind
[ -n "$CG" ] && LC=$(line C 1 TCP ..... 0 127.0.0.1)
# The last two of A's binds fail (EADDRINUSE), the others succeed.
OKS=("${L[@]:0:7}")
FAILS=("${L[@]:7:2}")

shows() {
	local name=$1 what=$2 re
	shift 2
	for re in "$@"; do
		if ! grep -qE -- "$re" "$TMP/$name"; then
			fail "$name: $what" "no line matching $re: $(grep -F bs$id "$TMP/$name" | head -3)"
			return
		fi
	done
	ok "$name: $what"
}
hides() {
	local name=$1 what=$2 re
	shift 2
	for re in "$@"; do
		if grep -qE -- "$re" "$TMP/$name"; then
			fail "$name: $what" "$(grep -E -- "$re" "$TMP/$name")"
			return
		fi
	done
	ok "$name: $what"
}

check "A's binds: 7 succeed, 2 fail with EADDRINUSE" \
	test "$(grep -c 'ret 0 ' "$TMP/A.out") $(grep -c 'ret -98 ' "$TMP/A.out")" = "7 2"
check "text: libbpf-tools header" \
	grep -qxE 'PID +COMM +RET +PROTO +OPTS +IF +PORT +ADDR' "$TMP/text"
shows text "each option (F T N R r), SO_BINDTODEVICE, TCP and UDP, IPv4 and IPv6: exact" \
	"${OKS[@]}"
hides text "failed binds hidden without -x" "${FAILS[@]}" " -98 "
n=$(grep -c " $A " "$TMP/text")
check "text: one line per successful bind (7)" test "$n" = 7
shows failed "-x: failed binds with RET -98 and the port asked for (IPv4, IPv6)" \
	"${FAILS[@]}" "${OKS[@]}"
shows pid "-p shows the process's binds" "${L[@]}"
hides pid "-p hides other processes'" " $B "
shows port "-P shows the marked port (bound, and the failed bind asking for it)" \
	"${L[0]}" "${L[8]}"
n=$(grep -c " $A " "$TMP/port")
check "-P hides other ports (2 lines)" test "$n" = 2
shows uid "-u shows that user's binds" "$LB"
hides uid "-u hides root's" " $A "
shows name "-n shows the command" "${OKS[@]}"
hides name "-n hides other commands" " $B "
if [ -n "$CG" ]; then
	shows cgroup "-c shows the cgroup's binds" "$LC"
	hides cgroup "-c hides others" " $A " " $B "
else
	skip "-c: cgroup filter" "no cgroup v2 directory could be made"
fi
check "-t -T: TIME and TIME(s) columns first" \
	grep -qxE 'TIME +TIME\(s\) +PID +COMM +RET +PROTO +OPTS +IF +PORT +ADDR' "$TMP/times"
shows times "-t -T: time of day and seconds before the line" \
	"^[0-9]{2}:[0-9]{2}:[0-9]{2} +[0-9]+\.[0-9]+ +${L[0]#^}"

# --json: the failed IPv6 bind and the IPv6 bind to a device, every field.
read -r ret8 port8 < <(sed -n 's/^bind 8 ret \(-*[0-9]*\) port \([0-9]*\)$/\1 \2/p' "$TMP/A.out")
read -r ret6 port6 < <(sed -n 's/^bind 6 ret \(-*[0-9]*\) port \([0-9]*\)$/\1 \2/p' "$TMP/A.out")
q='select(.comm == $c) | [.pid, .tid, .uid, .ret, .error, .proto, .protocol, .opts, .if, .port, .ip, .addr]'
got=$(jq -c --arg c "$A" "$q" "$TMP/json" 2>&1 | sed -n '6p;8p' | tr '\n' ' ')
want="[$APID,$APID,0,$ret6,null,\"TCP\",6,[\"freebind\"],1,$port6,6,\"::1\"] "
want+="[$APID,$APID,0,-98,\"EADDRINUSE\",\"UDP\",17,[],0,$port8,6,\"::1\"] "
if [ "$got" = "$want" ]; then ok "--json: every field of two IPv6 binds (one failed)"
else fail "--json: every field of two IPv6 binds (one failed)" "got $got, want $want"; fi
n=$(jq -c --arg c "$A" 'select(.comm == $c)' "$TMP/json" | wc -l)
check "--json -x: one object per bind (9)" test "$n" = 9

# Fallbacks (forced with BPFSCOPE_AVOID; -v names what was taken).
check_path "BPFSCOPE_AVOID=tracepoint: raw_syscalls" "$TMP/raw_tp.err" \
	kinds=raw_tp sys_enter=raw_tp sys_exit=raw_tp buffer=ringbuf
shows raw_tp "every bind, exact" "${L[@]}"
check_path "BPFSCOPE_AVOID=ringbuf: perf buffer" "$TMP/perfbuf.err" buffer=perfbuf \
	kinds=tracepoint sys_enter_bind=tracepoint sys_exit_bind=tracepoint
shows perfbuf "every bind, exact" "${L[@]}"

# Errors: one line, non-zero.
out=$("$BIN/$T" -P 80,x 2>&1)
check "-P with a non-number: one-line error" test $? != 0 -a "$(wc -l <<<"$out")" = 1

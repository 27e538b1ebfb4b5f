#!/bin/bash
# tcpaccept: loopback connections accepted by uniquely named programs, IPv4 and
# IPv6, accept() and accept4(), on ports of this run; every filter shows the
# marked connections and hides the others; each fallback shows them too.
. "$(dirname "$0")/../lib.sh"
need cc jq

T=tcpaccept
id=$((RANDOM % 9000 + 1000))$((RANDOM % 10))
# Unique commands: A, the one every filter looks for; B runs as nobody; C in a cgroup.
A=ta${id}a B=ta${id}b C=ta${id}c
cc -O1 -o "$TMP/$A" "$TOP/tests/helpers/tcpaccept_conns.c" || bail_out "cannot build the helper"
cp "$TMP/$A" "$TMP/$B" && cp "$TMP/$A" "$TMP/$C"
# A's listening ports: random, free, and the IPv4 one outside the range of
# ports the kernel hands out for connects (it is -P's marked port).
P4=$((10000 + RANDOM % 20000))
P6=$((P4 + 1))

# A waits for $TMP/go so that -p can name it; it exec()s, keeping its PID.
bash -c 'while [ ! -e "$1" ]; do sleep 0.02; done; exec "$2" "4,accept,$3" "6,accept4,$4"' \
	_ "$TMP/go" "$TMP/$A" $P4 $P6 >"$TMP/A.out" &
APID=$!
on_exit kill -KILL $APID

cg2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
CG=
if [ -n "$cg2" ] && mkdir "$cg2/bpfscope_ta_$id" 2>/dev/null; then
	CG=$cg2/bpfscope_ta_$id
	on_exit rmdir "$CG"
fi

NAMES=()
PIDS=()
# start_instance NAME AVOID ARGS...: a tcpaccept in the background, output in $TMP/NAME.
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
start_instance json "" --json
start_instance times "" -T -t
start_instance pid "" -p $APID
start_instance port "" -P $P4
start_instance ipv4 "" -4
start_instance ipv6 "" -6
start_instance uid "" -u 65534
start_instance name "" -n $A
[ -n "$CG" ] && start_instance cgroup "" -c "$CG"
start_instance raw_tp tracepoint -v
start_instance handshake tracepoint,raw_tp -v
start_instance perfbuf ringbuf -v

touch "$TMP/go"
wait $APID
run_as_nobody "$TMP/$B" 4,accept4,0 6,accept,0 >"$TMP/B.out"
if [ -n "$CG" ]; then
	(echo $BASHPID >"$CG/cgroup.procs" && exec "$TMP/$C" 4,accept,0) >"$TMP/C.out"
fi
sleep 0.5
for i in "${!NAMES[@]}"; do
	TOOL_PID=${PIDS[$i]}
	stop_tool INT || fail "${NAMES[$i]}: exits 0 on SIGINT" "exit status $?"
done

# want WHO N: the text line of WHO's connection N (from the helper's output):
# PID COMM IP RADDR RPORT LADDR LPORT, as a regular expression.
want() {
	local who=$1 n=$2 out=$TMP/$1.out pid lport rport fd ip addr
	pid=$(sed -n 's/^pid //p' "$out")
	read -r lport rport fd < <(sed -n "s/^conn $n lport \([0-9]*\) rport \([0-9]*\) fd \([0-9]*\)/\1 \2 \3/p" "$out")
	[ -n "$lport" ] || { echo "no-connection-$who-$n"; return; }
	if [ "$n" = 1 ]; then ip=4 addr=127\\.0\\.0\\.1; else ip=6 addr=::1; fi
	local comm=${!who}
	echo "^$pid +$comm +$ip +$addr +$rport +$addr +$lport\$"
}
A1=$(want A 1) A2=$(want A 2) B1=$(want B 1) B2=$(want B 2)
C1=no-cgroup-connection
[ -n "$CG" ] && C1=$(want C 1)

# shows NAME WHAT REGEX... / hides NAME WHAT REGEX...: each line is (not) in $TMP/NAME.
shows() {
	local name=$1 what=$2 re
	shift 2
	for re in "$@"; do
		if ! grep -qE -- "$re" "$TMP/$name"; then
			fail "$name: $what" "no line matching $re: $(grep -F ta$id "$TMP/$name" | head -3)"
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

check "text: BCC header" grep -qxE 'PID +COMM +IP RADDR +RPORT LADDR +LPORT' "$TMP/text"
shows text "accept() and accept4(), IPv4 and IPv6: exact PID, COMM, addresses and ports" \
	"$A1" "$A2" "$B1" "$B2"
n=$(grep -c " ta$id[ab] " "$TMP/text")
if [ "$n" = 4 ]; then ok "text: one line per connection accepted (4)"
else fail "text: one line per connection accepted (4)" "$n lines"; fi
shows pid "-p shows the process's connections" "$A1" "$A2"
hides pid "-p hides other processes'" " $B "
shows port "-P shows the marked local port" "$A1"
hides port "-P hides other ports" "$A2" " $B "
shows ipv4 "-4 shows IPv4" "$A1" "$B1"
hides ipv4 "-4 hides IPv6" "$A2" "$B2"
shows ipv6 "-6 shows IPv6" "$A2" "$B2"
hides ipv6 "-6 hides IPv4" "$A1" "$B1"
shows uid "-u shows that user's accepts" "$B1" "$B2"
hides uid "-u hides root's" " $A "
shows name "-n shows the command" "$A1" "$A2"
hides name "-n hides other commands" " $B "
if [ -n "$CG" ]; then
	shows cgroup "-c shows the cgroup's accepts" "$C1"
	hides cgroup "-c hides others" " $A " " $B "
else
	skip "-c: cgroup filter" "no cgroup v2 directory could be made"
fi
check "-T -t: TIME and TIME(s) columns first" \
	grep -qxE 'TIME +TIME\(s\) +PID +COMM +IP RADDR +RPORT LADDR +LPORT' "$TMP/times"
shows times "-T -t: time of day and seconds before the line" \
	"^[0-9]{2}:[0-9]{2}:[0-9]{2} +[0-9]+\.[0-9]+ +${A1#^}"

# --json: every field of A's IPv6 connection, parsed with jq.
read -r lport rport fd < <(sed -n 's/^conn 2 lport \([0-9]*\) rport \([0-9]*\) fd \([0-9]*\)/\1 \2 \3/p' "$TMP/A.out")
got=$(jq -c --arg c "$A" 'select(.comm == $c and .ip == 6) | [.pid, .tid, .uid, .fd, .laddr, .lport, .raddr, .rport]' "$TMP/json" 2>&1)
if [ "$got" = "[$APID,$APID,0,$fd,\"::1\",$lport,\"::1\",$rport]" ]; then
	ok "--json: pid, tid, uid, fd, addresses and ports of the IPv6 accept4()"
else
	fail "--json: pid, tid, uid, fd, addresses and ports of the IPv6 accept4()" \
		"got $got, want pid $APID fd $fd ports $lport $rport"
fi
n=$(jq -c --arg a "$A" --arg b "$B" 'select(.comm == $a or .comm == $b)' "$TMP/json" | wc -l)
check "--json: one object per connection (4: A's and B's)" test "$n" = 4

# Fallbacks (forced with BPFSCOPE_AVOID; -v names what was taken).
check_path "BPFSCOPE_AVOID=tracepoint: raw_syscalls' sys_exit" "$TMP/raw_tp.err" \
	kinds=raw_tp sys_exit=raw_tp buffer=ringbuf
shows raw_tp "both calls, both families, exact" "$A1" "$A2" "$B1" "$B2"
check_path "BPFSCOPE_AVOID=tracepoint,raw_tp: the handshake (inet_sock_set_state)" \
	"$TMP/handshake.err" kinds=tp_btf inet_sock_set_state=tp_btf
# The handshake has no process: PID and COMM are "-", the tuple is exact.
shows handshake "connections without a process, exact tuple" \
	"^- +- +${A1#^* +ta${id}a +}" "^- +- +${A2#^* +ta${id}a +}"
hides handshake "no process is named" " $A "
check_path "BPFSCOPE_AVOID=ringbuf: perf buffer" "$TMP/perfbuf.err" buffer=perfbuf \
	kinds=tracepoint sys_exit_accept=tracepoint sys_exit_accept4=tracepoint
shows perfbuf "the connections" "$A1" "$A2"

# Errors: one line, non-zero.
out=$("$BIN/$T" -P 80,70000 2>&1)
check "-P with a port past 65535: one-line error" test $? != 0 -a "$(wc -l <<<"$out")" = 1
out=$(BPFSCOPE_AVOID=tracepoint,raw_tp "$BIN/$T" -p $$ 2>&1)
check "-p without syscall hooks: one-line error naming them" \
	test $? != 0 -a "$(wc -l <<<"$out")" = 1 -a -n "$(grep 'syscall' <<<"$out")"

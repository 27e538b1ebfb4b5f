#!/bin/bash
# killsnoop: kill(), tkill() and tgkill() calls of a marked sender appear with
# its PID and name, the signal, the target and the call's return; -x keeps the
# failed ones (ESRCH, EPERM as nobody), -s, -T and -p filter, -n names the
# signal, --json names the call; raw_syscalls and the perf buffer.
. "$(dirname "$0")/../lib.sh"
need python3 jq setpriv

# Command names unique to this run; two neighbouring real-time signals, random.
tname=kst$RANDOM$RANDOM
sname=kss$RANDOM$RANDOM
oname=kso$RANDOM$RANDOM
sig=$((35 + RANDOM % 20))
sig2=$((sig + 1))

# A sender (bash, its builtin kill): prints its PID; once GOFILE exists,
# calls kill() with each SIG and PID.
cat >"$TMP/$sname" <<'EOF'
#!/bin/bash
echo $$
go=$1
shift
while [ ! -e "$go" ]; do sleep 0.02; done
while [ $# -gt 1 ]; do
	kill -s "$1" "$2" 2>/dev/null
	shift 2
done
EOF
chmod 755 "$TMP/$sname"
cp "$TMP/$sname" "$TMP/$oname"

# Two targets: marked copies of sleep with the real-time signals blocked.
cp /bin/sleep "$TMP/$tname"
for t in 1 2; do
	python3 -c 'import os, signal, sys
signal.pthread_sigmask(signal.SIG_BLOCK, range(34, 65))
os.execv(sys.argv[1], sys.argv[1:])' "$TMP/$tname" 60 &
	eval "tpid$t=\$!"
	disown $!
	on_exit "kill -KILL $!"
done
for ((i = 0; i < 100; i++)); do
	[ "$(cat /proc/$tpid1/comm /proc/$tpid2/comm 2>/dev/null)" = "$tname"$'\n'"$tname" ] && break
	sleep 0.02
done
sleep 0 &
dead=$!
wait $dead

# send NAME SIG PID...: run sender NAME now; its PID in $spid.
send() {
	local name=$1
	shift
	spid=$("$TMP/$name" / "$@")
}

# line PID COMM SIG TPID RESULT: the regex of a text line.
line() { echo "^[0-9:]{8} +$1 +$2 +$3 +$4 +$5\$"; }

start_tool "$TMP/out" killsnoop || bail_out "killsnoop starts" "$(cat "$TMP/out.err")"
send "$sname" "$sig" $tpid1 "$sig" $dead 0 $tpid1
wait_for "$TMP/out" "$(line $spid "$sname" 0 $tpid1 0)"
sleep 0.2
stop_tool INT
check "header is TIME PID COMM SIG TPID RESULT" grep -qE '^TIME +PID +COMM +SIG +TPID +RESULT$' "$TMP/out"
check "a marked kill: sender PID and COMM, SIG, TPID, RESULT 0" \
	grep -qE "$(line $spid "$sname" $sig $tpid1 0)" "$TMP/out"
check "a kill of a dead PID: RESULT -3 (ESRCH)" grep -qE "$(line $spid "$sname" $sig $dead -3)" "$TMP/out"
check "signal 0 (a check that the process exists) is shown as 0" \
	grep -qE "$(line $spid "$sname" 0 $tpid1 0)" "$TMP/out"

start_tool "$TMP/out" killsnoop -x || bail_out "killsnoop -x starts" "$(cat "$TMP/out.err")"
send "$sname" "$sig" $tpid1 "$sig" $dead
npid=$(run_as_nobody "$TMP/$oname" / "$sig2" $tpid1)
wait_for "$TMP/out" "$oname"
sleep 0.2
stop_tool INT
check "-x shows a kill of a dead PID (-3, ESRCH)" grep -qE "$(line $spid "$sname" $sig $dead -3)" "$TMP/out"
check "-x shows a kill by an unprivileged user (-1, EPERM)" \
	grep -qE "$(line $npid "$oname" $sig2 $tpid1 -1)" "$TMP/out"
if grep -qE " +0\$" "$TMP/out"; then fail "-x hides calls that succeeded" "$(grep -E ' 0$' "$TMP/out" | head -3)"
else ok "-x hides calls that succeeded"; fi

start_tool "$TMP/out" killsnoop -s "$sig" -T $tpid1 || bail_out "killsnoop -s -T starts" "$(cat "$TMP/out.err")"
send "$sname" "$sig2" $tpid1 "$sig" $tpid2 "$sig" $tpid1
wait_for "$TMP/out" "$sname"
sleep 0.2
stop_tool INT
check "-s SIG -T TPID shows that signal to that target" \
	grep -qE "$(line $spid "$sname" $sig $tpid1 0)" "$TMP/out"
if [ "$(grep -cE "^[0-9:]{8} +$spid " "$TMP/out")" = 1 ]; then
	ok "-s SIG hides another signal, -T TPID another target"
else
	fail "-s SIG hides another signal, -T TPID another target" "$(grep -E " $spid " "$TMP/out")"
fi

# -p: two senders wait for the go file; only the named one is traced.
"$TMP/$sname" "$TMP/go" "$sig" $tpid1 >"$TMP/a" &
ajob=$!
"$TMP/$oname" "$TMP/go" "$sig2" $tpid1 >"$TMP/b" &
bjob=$!
wait_for "$TMP/a" . && wait_for "$TMP/b" . || bail_out "senders start" "no PID"
read -r a <"$TMP/a"
start_tool "$TMP/out" killsnoop -p $a -n || bail_out "killsnoop -p starts" "$(cat "$TMP/out.err")"
touch "$TMP/go"
wait $ajob $bjob
wait_for "$TMP/out" "$sname"
sleep 0.2
stop_tool INT
check "-p PID -n shows that sender's kill, the signal by name" \
	grep -qE "$(line $a "$sname" "SIGRTMIN\\+$((sig - 34))" $tpid1 0)" "$TMP/out"
if grep -q "$oname" "$TMP/out"; then fail "-p PID hides another sender" "$(grep "$oname" "$TMP/out")"
else ok "-p PID hides another sender"; fi

# tkill() and tgkill(), from python (x86-64 numbers), with the JSON fields.
tkill() {
	python3 -c 'import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
print(os.getpid())
t, s = int(sys.argv[1]), int(sys.argv[2])
libc.syscall(200, t, s)
libc.syscall(234, t, t, s)
libc.syscall(234, t + 1000000, t, s)' "$@"
}
for path in best avoid=tracepoint avoid=ringbuf; do
	case $path in
	best) want="kinds=tracepoint sys_enter_tgkill=tracepoint sys_exit_tkill=tracepoint buffer=ringbuf" ;;
	avoid=tracepoint) want="kinds=raw_tp sys_enter=raw_tp sys_exit=raw_tp buffer=ringbuf" ;;
	avoid=ringbuf) want="kinds=tracepoint buffer=perfbuf" ;;
	esac
	avoid=${path#avoid=}
	[ "$path" = best ] && avoid=
	if ! BPFSCOPE_AVOID=$avoid start_tool "$TMP/out" killsnoop -v --json; then
		fail "killsnoop [$path] starts" "$(tail -n 2 "$TMP/out.err")"
		continue
	fi
	send "$sname" "$sig" $tpid1
	ppid=$(tkill $tpid1 "$sig2")
	wait_for "$TMP/out" "\"pid\":$ppid,.*\"tpid\":$tpid1,\"ttgid\":$((tpid1 + 1000000))"
	sleep 0.2
	stop_tool INT
	got=$(jq -c "select(.pid == $spid or .pid == $ppid) |
		[.pid, .syscall, .sig, .signal, .tpid, .ttgid, .result, .error]" "$TMP/out" | tr '\n' ' ')
	want_json="[$spid,\"kill\",$sig,\"SIGRTMIN+$((sig - 34))\",$tpid1,null,0,null]"
	want_json+=" [$ppid,\"tkill\",$sig2,\"SIGRTMIN+$((sig2 - 34))\",$tpid1,null,0,null]"
	want_json+=" [$ppid,\"tgkill\",$sig2,\"SIGRTMIN+$((sig2 - 34))\",$tpid1,$tpid1,0,null]"
	want_json+=" [$ppid,\"tgkill\",$sig2,\"SIGRTMIN+$((sig2 - 34))\",$tpid1,$((tpid1 + 1000000)),-3,\"ESRCH\"] "
	check "killsnoop [$path] --json: kill, tkill, tgkill and a failed tgkill" test "$got" = "$want_json"
	check_path "killsnoop [$path] takes $want" "$TMP/out.err" $want
done

out=$("$BIN/killsnoop" -s 65 2>&1)
check "-s 65 is rejected in one line" test "$(wc -l <<<"$out")" = 1 -a -n "$(grep 'not a signal' <<<"$out")"

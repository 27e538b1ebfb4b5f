#!/bin/bash
# sigsnoop: signals a marked sender sends to a marked target appear with the
# sender's PID and name, the signal, the target and what the kernel did with
# it; -x keeps only those not delivered, -s and -p filter, -k shows the kill
# calls with their errors, --json names the target; every hook kind.
. "$(dirname "$0")/../lib.sh"
need python3 jq setpriv

# Command names unique to this run; two neighbouring real-time signals, random.
tname=sgt$RANDOM$RANDOM
sname=sgs$RANDOM$RANDOM
oname=sgo$RANDOM$RANDOM
sig=$((35 + RANDOM % 20))
sig2=$((sig + 1))
rtname=SIGRTMIN+$((sig - 34))

# A sender (bash, its builtin kill): prints its PID; once GOFILE exists,
# sends each SIG to its PID.
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

# The target: a marked copy of sleep with SIGUSR1 and the real-time signals
# blocked (queued: delivered; a second SIGUSR1 is already pending) and
# SIGUSR2 ignored.
cp /bin/sleep "$TMP/$tname"
python3 -c 'import os, signal, sys
signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR1] + list(range(34, 65)))
signal.signal(signal.SIGUSR2, signal.SIG_IGN)
os.execv(sys.argv[1], sys.argv[1:])' "$TMP/$tname" 60 &
tpid=$!
disown $tpid
on_exit "kill -KILL $tpid"
for ((i = 0; i < 100; i++)); do
	[ "$(cat /proc/$tpid/comm 2>/dev/null)" = "$tname" ] && break
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

start_tool "$TMP/out" sigsnoop || bail_out "sigsnoop starts" "$(cat "$TMP/out.err")"
send "$sname" "$sig" $tpid USR1 $tpid USR1 $tpid USR2 $tpid
wait_for "$TMP/out" "$(line $spid "$sname" 12 $tpid 1)"
sleep 0.2
stop_tool INT
check "header is TIME PID COMM SIG TPID RESULT" grep -qE '^TIME +PID +COMM +SIG +TPID +RESULT$' "$TMP/out"
check "a marked signal: sender PID and COMM, SIG, TPID, RESULT 0 (delivered)" \
	grep -qE "$(line $spid "$sname" $sig $tpid 0)" "$TMP/out"
check "a blocked SIGUSR1 sent twice: delivered, then RESULT 2 (already pending)" \
	test "$(grep -E "^[0-9:]{8} +$spid +$sname +10 +$tpid " "$TMP/out" | awk '{ print $6 }' | tr '\n' ' ')" = "0 2 "
check "an ignored SIGUSR2: RESULT 1 (ignored)" grep -qE "$(line $spid "$sname" 12 $tpid 1)" "$TMP/out"

start_tool "$TMP/out" sigsnoop -x || bail_out "sigsnoop -x starts" "$(cat "$TMP/out.err")"
send "$sname" "$sig" $tpid USR2 $tpid USR1 $tpid
wait_for "$TMP/out" "$(line $spid "$sname" 10 $tpid 2)"
sleep 0.2
stop_tool INT
check "-x shows an ignored signal" grep -qE "$(line $spid "$sname" 12 $tpid 1)" "$TMP/out"
check "-x shows a signal already pending" grep -qE "$(line $spid "$sname" 10 $tpid 2)" "$TMP/out"
if grep -qE " +0\$" "$TMP/out"; then fail "-x hides delivered signals" "$(grep -E ' 0$' "$TMP/out" | head -3)"
else ok "-x hides delivered signals"; fi

start_tool "$TMP/out" sigsnoop -s "$sig,$rtname" -n || bail_out "sigsnoop -s starts" "$(cat "$TMP/out.err")"
send "$sname" "$sig2" $tpid "$sig" $tpid
wait_for "$TMP/out" "$sname"
sleep 0.2
stop_tool INT
check "-s SIG -n shows that signal by name ($rtname)" \
	grep -qE "$(line $spid "$sname" "${rtname/+/\\+}" $tpid 0)" "$TMP/out"
if grep -qE "^[0-9:]{8} +$spid .* $tpid +0\$" "$TMP/out" &&
	[ "$(grep -cE "^[0-9:]{8} +$spid " "$TMP/out")" = 1 ]; then
	ok "-s SIG hides another signal"
else
	fail "-s SIG hides another signal" "$(grep -E " $spid " "$TMP/out")"
fi

# -p: two senders wait for the go file; only the named one is traced.
"$TMP/$sname" "$TMP/go" "$sig" $tpid >"$TMP/a" &
ajob=$!
"$TMP/$oname" "$TMP/go" "$sig2" $tpid >"$TMP/b" &
bjob=$!
wait_for "$TMP/a" . && wait_for "$TMP/b" . || bail_out "senders start" "no PID"
read -r a <"$TMP/a"
start_tool "$TMP/out" sigsnoop -p $a || bail_out "sigsnoop -p starts" "$(cat "$TMP/out.err")"
touch "$TMP/go"
wait $ajob $bjob
wait_for "$TMP/out" "$sname"
sleep 0.3
stop_tool INT
check "-p PID shows that sender's signal" grep -qE "$(line $a "$sname" $sig $tpid 0)" "$TMP/out"
if grep -q "$oname" "$TMP/out"; then fail "-p PID hides another sender" "$(grep "$oname" "$TMP/out")"
else ok "-p PID hides another sender"; fi

# -k -x: kill calls that failed: no such process, and not permitted (as nobody).
start_tool "$TMP/out" sigsnoop -k -x || bail_out "sigsnoop -k starts" "$(cat "$TMP/out.err")"
send "$sname" "$sig" $tpid "$sig" $dead
npid=$(run_as_nobody "$TMP/$oname" / "$sig2" $tpid)
wait_for "$TMP/out" "$oname"
sleep 0.2
stop_tool INT
check "-k -x: a kill of a dead PID fails with -3 (ESRCH)" grep -qE "$(line $spid "$sname" $sig $dead -3)" "$TMP/out"
check "-k -x: a kill by an unprivileged user fails with -1 (EPERM)" \
	grep -qE "$(line $npid "$oname" $sig2 $tpid -1)" "$TMP/out"
if grep -qE " $tpid +0\$" "$TMP/out"; then fail "-k -x hides a kill that succeeded" "$(grep " $tpid " "$TMP/out")"
else ok "-k -x hides a kill that succeeded"; fi

start_tool "$TMP/out" sigsnoop --json || bail_out "sigsnoop --json starts" "$(cat "$TMP/out.err")"
send "$sname" "$sig" $tpid
wait_for "$TMP/out" "\"comm\":\"$sname\""
sleep 0.2
stop_tool INT
got=$(jq -c "select(.pid == $spid and .tpid == $tpid) |
	[.comm, .sig, .signal, .result, .result_name, .tcomm, .ttgid, .group, .code]" "$TMP/out")
check "--json: sender, signal and its name, result, target's name and process" \
	test "$got" = "[\"$sname\",$sig,\"$rtname\",0,\"delivered\",\"$tname\",$tpid,true,0]"

# Each hook kind of signal_generate, each event buffer, and -k's raw_syscalls.
for path in avoid=tp_btf avoid=tp_btf,raw_tp avoid=ringbuf k,avoid=tracepoint; do
	args=
	case $path in
	avoid=tp_btf) want="signal_generate=raw_tp buffer=ringbuf" ;;
	avoid=tp_btf,raw_tp) want="signal_generate=tracepoint buffer=ringbuf" ;;
	avoid=ringbuf) want="signal_generate=tp_btf buffer=perfbuf" ;;
	k,*) want="kinds=raw_tp sys_enter=raw_tp sys_exit=raw_tp" args=-k ;;
	esac
	avoid=${path#*avoid=}
	if ! BPFSCOPE_AVOID=$avoid start_tool "$TMP/out" sigsnoop -v $args; then
		fail "sigsnoop [$path] starts" "$(tail -n 2 "$TMP/out.err")"
		continue
	fi
	send "$sname" "$sig" $tpid
	wait_for "$TMP/out" "$sname"
	sleep 0.2
	stop_tool INT
	check "sigsnoop [$path] shows the marked signal" \
		grep -qE "$(line $spid "$sname" $sig $tpid 0)" "$TMP/out"
	check_path "sigsnoop [$path] takes $want" "$TMP/out.err" $want
done

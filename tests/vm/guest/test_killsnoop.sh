# killsnoop in the guest: a marked sender's kill() of a target that handles
# SIGUSR2 and of a dead PID (ESRCH), seen by one instance per path: the
# syscall tracepoints, raw_syscalls, the perf buffer.
. /tests/lib.sh
sname=vks$$
cat >"$TMP/$sname" <<'SH'
#!/bin/sh
echo $$
kill -s USR2 "$1"
kill -s USR2 "$2" 2>/dev/null
SH
chmod 755 "$TMP/$sname"
sh -c 'trap : USR2; while :; do sleep 1; done' &
tpid=$!
sleep 0 &
dead=$!
wait $dead

# NAME|AVOID|WANT (check_path, comma separated)
INSTANCES="best||kinds=tracepoint,sys_enter_kill=tracepoint,sys_exit_tgkill=tracepoint,buffer=ringbuf
tracepoint|tracepoint|kinds=raw_tp,sys_enter=raw_tp,sys_exit=raw_tp
ringbuf|ringbuf|kinds=tracepoint,buffer=perfbuf"
row() { if [ -n "$1" ]; then echo "avoid=$1"; else echo best; fi; }

started=
echo "$INSTANCES" >"$TMP/instances"
while IFS='|' read -r name avoid want; do
	if BPFSCOPE_AVOID=$avoid start_tool "$TMP/$name" killsnoop -v; then
		eval "pid_$name=$TOOL_PID"
		started="$started $name"
	else
		fail "killsnoop [$(row "$avoid")] starts" "$(tail -n 2 "$TMP/$name.err")"
	fi
done <"$TMP/instances"

spid=$("$TMP/$sname" $tpid $dead)
for name in $started; do
	wait_for "$TMP/$name" " $sname .* $dead " 5
done
sleep 0.3

while IFS='|' read -r name avoid want; do
	case " $started " in *" $name "*) ;; *) continue ;; esac
	eval "TOOL_PID=\$pid_$name"
	stop_tool
	rc=$?
	path=$(row "$avoid")
	if [ $rc = 0 ] && grep -qE "^[0-9:]{8} +$spid +$sname +12 +$tpid +0\$" "$TMP/$name"; then
		ok "killsnoop [$path] shows a marked kill() with its PID, signal, target and 0"
	else
		fail "killsnoop [$path] shows a marked kill() with its PID, signal, target and 0" \
			"exit status $rc, pid $spid: $(grep -F "$sname" "$TMP/$name" | head -n 3)"
	fi
	if grep -qE "^[0-9:]{8} +$spid +$sname +12 +$dead +-3\$" "$TMP/$name"; then
		ok "killsnoop [$path] shows a kill() of a dead PID with -3 (ESRCH)"
	else
		fail "killsnoop [$path] shows a kill() of a dead PID with -3 (ESRCH)" \
			"dead $dead: $(grep -F "$sname" "$TMP/$name" | head -n 3)"
	fi
	check_path "killsnoop [$path] takes $want" "$TMP/$name.err" $(echo "$want" | tr ',' ' ')
	matrix_line killsnoop "$path" "$TMP/$name.err"
done <"$TMP/instances"
kill $tpid

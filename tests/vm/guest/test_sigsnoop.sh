# sigsnoop in the guest: a marked sender's SIGWINCH to a sleeping target
# (default action ignore: RESULT 1), and one to a dead PID (-k: ESRCH), seen
# by one instance per path: signal_generate through tp_btf, raw_tp and the
# classic tracepoint, the perf buffer, and -k's syscall tracepoints (its
# raw_syscalls path is killsnoop's, tested there).
. /tests/lib.sh
sname=vsg$$
cat >"$TMP/$sname" <<'SH'
#!/bin/sh
echo $$
kill -s WINCH "$1"
kill -s WINCH "$2" 2>/dev/null
SH
chmod 755 "$TMP/$sname"
sleep 60 &
tpid=$!
sleep 0 &
dead=$!
wait $dead

# NAME|AVOID|WANT (check_path, comma separated)|ARGS
INSTANCES="best||kinds=tp_btf,signal_generate=tp_btf,buffer=ringbuf|
tp_btf|tp_btf|kinds=raw_tp,signal_generate=raw_tp|
tracepoint|tp_btf,raw_tp|kinds=tracepoint,signal_generate=tracepoint|
ringbuf|ringbuf|signal_generate=tp_btf,buffer=perfbuf|
k||kinds=tracepoint,sys_enter_kill=tracepoint,sys_exit_tgkill=tracepoint|-k"
row() {
	local p=best
	[ -n "$2" ] && p="avoid=$2"
	case $1 in k) echo "-k,$p" ;; *) echo "$p" ;; esac
}

started=
echo "$INSTANCES" >"$TMP/instances"
while IFS='|' read -r name avoid want args; do
	if BPFSCOPE_AVOID=$avoid start_tool "$TMP/$name" sigsnoop -v $args; then
		eval "pid_$name=$TOOL_PID"
		started="$started $name"
	else
		fail "sigsnoop [$(row "$name" "$avoid")] starts" "$(tail -n 2 "$TMP/$name.err")"
	fi
done <"$TMP/instances"

spid=$("$TMP/$sname" $tpid $dead)
for name in $started; do
	wait_for "$TMP/$name" " $sname .* $tpid " 5
done
sleep 0.3

while IFS='|' read -r name avoid want args; do
	case " $started " in *" $name "*) ;; *) continue ;; esac
	eval "TOOL_PID=\$pid_$name"
	stop_tool
	rc=$?
	path=$(row "$name" "$avoid")
	if [ "$name" = k ]; then
		re="^[0-9:]{8} +$spid +$sname +28 +$tpid +0\$"
		what="shows the kill() with its result"
	else
		re="^[0-9:]{8} +$spid +$sname +28 +$tpid +1\$"
		what="shows the signal, ignored (RESULT 1)"
	fi
	if [ $rc = 0 ] && grep -qE "$re" "$TMP/$name"; then
		ok "sigsnoop [$path] $what"
	else
		fail "sigsnoop [$path] $what" "exit status $rc, pid $spid: $(grep -F "$sname" "$TMP/$name" | head -n 3)"
	fi
	if [ "$name" != k ]; then
		:
	elif grep -qE "^[0-9:]{8} +$spid +$sname +28 +$dead +-3\$" "$TMP/$name"; then
		ok "sigsnoop [$path] shows a kill() of a dead PID with -3 (ESRCH)"
	else
		fail "sigsnoop [$path] shows a kill() of a dead PID with -3 (ESRCH)" \
			"dead $dead: $(grep -F "$sname" "$TMP/$name" | head -n 3)"
	fi
	check_path "sigsnoop [$path] takes $want" "$TMP/$name.err" $(echo "$want" | tr ',' ' ')
	matrix_line sigsnoop "$path" "$TMP/$name.err"
done <"$TMP/instances"
kill $tpid

# ttysnoop in the guest: lines written to a virtual console (/dev/tty2) by a
# marked shell appear, control bytes escaped; a line to /dev/tty3 does not; on
# each hook kind: tty_write via fentry, via kprobe, and the write calls'
# entries (tracepoints, raw_syscalls).
# common-args: /dev/console
. /tests/lib.sh
for path in best avoid=fentry avoid=fentry,kprobe avoid=fentry,kprobe,tracepoint; do
	case $path in
	best) want="kinds=fentry tty_write=fentry sys_enter_write=- buffer=ringbuf core=cut" ;;
	avoid=fentry) want="kinds=kprobe tty_write=kprobe sys_enter_write=-" ;;
	avoid=fentry,kprobe) want="kinds=tracepoint sys_enter_write=tracepoint sys_enter_writev=tracepoint tty_write=-" ;;
	avoid=fentry,kprobe,tracepoint) want="kinds=raw_tp sys_enter=raw_tp" ;;
	esac
	m=tty$$x${path#*=}
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" ttysnoop -v -C /dev/tty2; then
		fail "ttysnoop [$path] starts" "$(tail -n 3 "$TMP/out.err")"
		continue
	fi
	printf '%s a\033[1mb\n' "$m" >/dev/tty2
	echo "$m-other" >/dev/tty3
	wait_for "$TMP/out" "$m a" 5
	stop_tool
	rc=$?
	if [ $rc = 0 ] && grep -qxF "$m a\\x1b[1mb" "$TMP/out" && ! grep -qF "$m-other" "$TMP/out"; then
		ok "ttysnoop [$path] the marked line to /dev/tty2, escaped, and not /dev/tty3's"
	else
		fail "ttysnoop [$path] the marked line to /dev/tty2, escaped, and not /dev/tty3's" \
			"exit status $rc: $(head -c 300 "$TMP/out")"
	fi
	check_path "ttysnoop [$path] takes $want" "$TMP/out.err" $want
	matrix_line ttysnoop "$path" "$TMP/out.err"
done

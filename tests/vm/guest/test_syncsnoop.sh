# syncsnoop in the guest: busybox sync (sync), sync FILE (fsync), sync -d
# FILE (fdatasync) and sync -f FILE (syncfs) by known processes appear with
# their PIDs and calls, on every hook kind and buffer (avoid=tracepoint:
# raw_syscalls, as on kernels without syscall tracepoints).
. /tests/lib.sh
for path in best avoid=ringbuf avoid=tracepoint; do
	case $path in
	best) want="kinds=tracepoint sys_enter_sync=tracepoint sys_enter_fsync=tracepoint sys_enter_msync=tracepoint buffer=ringbuf core=cut" ;;
	avoid=ringbuf) want="kinds=tracepoint sys_enter_sync=tracepoint buffer=perfbuf" ;;
	avoid=tracepoint) want="kinds=raw_tp sys_enter=raw_tp buffer=ringbuf" ;;
	esac
	m=/tmp/vm_sync_$$_${path#*=}
	echo x >"$m"
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" syncsnoop -v; then
		fail "syncsnoop [$path] starts" "$(tail -n 2 "$TMP/out.err")"
		continue
	fi
	: >"$TMP/want"
	for args in "" "$m" "-d $m" "-f $m"; do
		# $args unquoted: the options and the file are words
		sh -c 'echo $$ >"$1"; shift; exec sync "$@"' _ "$TMP/pid" $args
		case $args in
		"") call=sync ;;
		-d*) call=fdatasync ;;
		-f*) call=syncfs ;;
		*) call=fsync ;;
		esac
		echo "$(cat "$TMP/pid") sync $call" >>"$TMP/want"
	done
	last=$(tail -n 1 "$TMP/want" | cut -d' ' -f1)
	wait_for "$TMP/out" "^[0-9.]+ +$last +sync +syncfs\$" 5
	stop_tool
	rc=$?
	awk '$3 == "sync" { print $2, $3, $4 }' "$TMP/out" | sort >"$TMP/got"
	sort "$TMP/want" >"$TMP/want.s"
	if [ $rc = 0 ] && cmp -s "$TMP/got" "$TMP/want.s"; then
		ok "syncsnoop [$path] shows sync, fsync, fdatasync and syncfs with their PIDs"
	else
		fail "syncsnoop [$path] shows sync, fsync, fdatasync and syncfs with their PIDs" \
			"exit status $rc, want $(cat "$TMP/want.s" | tr '\n' ';') got $(cat "$TMP/got" | tr '\n' ';')"
	fi
	check_path "syncsnoop [$path] takes $want" "$TMP/out.err" $want
	matrix_line syncsnoop "$path" "$TMP/out.err"
done

# klockstat in the guest: busybox dd copies with a unique name writing large
# blocks to one file take its inode's rw-semaphore (down_write) from the file
# system's write_iter, and pipe writers its mutex (mutex_lock from pipe_write):
# the callers are shown with counts.  Every way in: fentry/fexit, kprobes,
# the lock:contention tracepoints (tp_btf), which see contended acquisitions
# only and no hold times; their raw_tp twins and the options are
# tested on the host.
. /tests/lib.sh
w=busyboxl$$
cp /bin/busybox "$TMP/$w"
for path in best avoid=fentry avoid=fentry,kprobe; do
	case $path in
	best) want="kinds=fentry+fexit mutex_unlock=fentry core=cut" hold=1 ;;
	avoid=fentry) want="kinds=kprobe+kretprobe mutex_unlock=kprobe" hold=1 ;;
	avoid=fentry,kprobe) want="kinds=tp_btf contention_begin=tp_btf contention_end=tp_btf" hold= ;;
	esac
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" klockstat -v -s 3; then
		fail "klockstat [$path] starts" "$(tail -n 3 "$TMP/out.err")"
		continue
	fi
	rm -f "$TMP/f"
	pids=
	for i in 1 2 3; do
		"$TMP/$w" dd if=/dev/zero of="$TMP/f" bs=2M count=3 conv=notrunc 2>/dev/null &
		pids="$pids $!"
	done
	"$TMP/$w" dd if=/dev/zero bs=64k count=64 2>/dev/null | cat >/dev/null
	wait $pids
	stop_tool
	rc=$?
	# Callers are "function+0xoffset" lines in the first column.
	if [ $rc = 0 ] && grep -qE '^ +[a-z_]*file_write_iter\+0x[0-9a-f]+ +[0-9.]+ [a-z]+ +[1-9]' "$TMP/out"; then
		ok "klockstat [$path] shows the writers' waits in the file system's write_iter"
	else
		fail "klockstat [$path] shows the writers' waits in the file system's write_iter" \
			"exit status $rc: $(grep -E '^ +[a-z_]+\+0x' "$TMP/out" | head -n 6)"
	fi
	if [ -n "$hold" ]; then
		if grep -qE '^ +(anon_)?pipe_write\+0x[0-9a-f]+ +[0-9.]+ [a-z]+ +[1-9]' "$TMP/out" &&
			grep -q 'Avg Hold' "$TMP/out"; then
			ok "klockstat [$path] shows pipe_write's mutex and hold times"
		else
			fail "klockstat [$path] shows pipe_write's mutex and hold times" \
				"$(grep -E '^ +[a-z_]+\+0x' "$TMP/out" | head -n 6)"
		fi
	fi
	check_path "klockstat [$path] takes $want" "$TMP/out.err" $want
	matrix_line klockstat "$path" "$TMP/out.err"
done

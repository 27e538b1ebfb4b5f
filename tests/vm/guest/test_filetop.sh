# filetop in the guest: a writer (dd, 4 KiB blocks) and then a reader (dd, 8
# KiB blocks) of a marked file, each a shell stopped until filetop -p is
# attached: exact READS/WRITES and Kbytes on each hook kind: vfs_read and
# vfs_write via fexit, via kprobe + kretprobe, and the system calls (their
# tracepoints, raw_syscalls).  The same counts on every path: for read() and
# write() the approximation (system calls) differs by nothing.
. /tests/lib.sh
f=/tmp/filetop.$$.dat
n=$((12 + $$ % 8))
# stopped CMD: a shell that stops itself, then execs CMD; its PID in SPID.
stopped() {
	sh -c 'kill -STOP $$; exec "$@"' _ "$@" &
	SPID=$!
	i=0
	while [ "$(sed 's/.*) //' /proc/$SPID/stat | cut -d' ' -f1)" != T ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
}
for path in best avoid=fexit avoid=fexit,kprobe avoid=fexit,kprobe,tracepoint; do
	case $path in
	best) want="kinds=fexit vfs_read=fexit vfs_write=fexit sys_exit_read=- core=cut" ;;
	avoid=fexit) want="kinds=kprobe+kretprobe vfs_read=kprobe vfs_write=kprobe sys_exit_read=-" ;;
	avoid=fexit,kprobe) want="kinds=tracepoint sys_exit_read=tracepoint sys_exit_write=tracepoint vfs_read=-" ;;
	avoid=fexit,kprobe,tracepoint) want="kinds=raw_tp sys_exit=raw_tp" ;;
	esac
	rm -f "$f"
	stopped dd if=/dev/zero of="$f" bs=4096 count=$n
	pw=$SPID
	stopped dd if="$f" of=/dev/null bs=8192
	pr=$SPID
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" filetop -v -C -p $pw,$pr 60; then
		fail "filetop [$path] starts" "$(tail -n 3 "$TMP/out.err")"
		kill -KILL $pw $pr
		continue
	fi
	kill -CONT $pw
	wait $pw
	kill -CONT $pr
	wait $pr
	stop_tool
	rc=$?
	name=${f##*/}
	got=$(awk -v w=$pw -v r=$pr -v f="$name" '$8 == f && ($1 == w || $1 == r) {
		print ($1 == w ? "w" : "r"), $3, $4, $5, $6, $7 }' "$TMP/out" | sort | tr '\n' ';')
	want_rows="r $(((n + 1) / 2 + 1)) 0 $((n * 4)) 0 R;w 0 $n 0 $((n * 4)) R;"
	if [ $rc = 0 ] && [ "$got" = "$want_rows" ]; then
		ok "filetop [$path] -p: the writer's and reader's calls and Kbytes on the file, exact"
	else
		fail "filetop [$path] -p: the writer's and reader's calls and Kbytes on the file, exact" \
			"exit status $rc, got [$got], want [$want_rows]: $(grep -v '^$' "$TMP/out" | tail -n 4)"
	fi
	check_path "filetop [$path] takes $want" "$TMP/out.err" $want
	matrix_line filetop "$path" "$TMP/out.err"
done
rm -f "$f"

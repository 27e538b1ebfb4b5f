# vfsstat in the guest: a shell that stops itself until vfsstat -p is
# attached, then 6 times writes f(i mod 3) and reads it twice (ash reads a
# line a byte at a time) and fsyncs 2 files: READ 24 WRITE 6 FSYNC 2 OPEN 20
# CREATE 3, counted exactly at the VFS functions (fentry, kprobe) and at the
# system calls (tp_btf, raw_tp sys_exit).
. /tests/lib.sh
for path in best avoid=fentry avoid=fentry,kprobe avoid=fentry,kprobe,tp_btf; do
	case $path in
	best) want="kinds=fentry vfs_read=fentry vfs_open=fentry vfs_create=fentry sys_exit=- core=cut" ;;
	avoid=fentry) want="kinds=kprobe vfs_read=kprobe vfs_fsync_range=kprobe vfs_open=kprobe sys_exit=-" ;;
	avoid=fentry,kprobe) want="kinds=tp_btf sys_exit=tp_btf vfs_read=-" ;;
	avoid=fentry,kprobe,tp_btf) want="kinds=raw_tp sys_exit=raw_tp" ;;
	esac
	d=$TMP/burst.${path#*=}
	mkdir -p "$d"
	sh -c 'cd "$1"; kill -STOP $$
		i=0; while [ $i -lt 6 ]; do
			f=f$((i % 3)); echo x >$f; read l <$f; read l <$f; i=$((i + 1)); done
		exec sync f0 f1' _ "$d" &
	p=$!
	i=0
	while [ "$(sed 's/.*) //' /proc/$p/stat | cut -d' ' -f1)" != T ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" vfsstat -v --json -p $p 60; then
		fail "vfsstat [$path] starts" "$(tail -n 3 "$TMP/out.err")"
		kill -KILL $p
		continue
	fi
	kill -CONT $p
	wait $p
	stop_tool
	rc=$?
	got=
	for k in read write fsync open create; do
		got="$got $(sed -n "s/.*\"$k\":\([0-9]*\).*/\1/p" "$TMP/out")"
	done
	if [ $rc = 0 ] && [ "$got" = " 24 6 2 20 3" ]; then
		ok "vfsstat [$path] -p counts a marked burst exactly (READ WRITE FSYNC OPEN CREATE)"
	else
		fail "vfsstat [$path] -p counts a marked burst exactly (READ WRITE FSYNC OPEN CREATE)" \
			"exit status $rc, got [$got], want [ 24 6 2 20 3]: $(cat "$TMP/out")"
	fi
	check_path "vfsstat [$path] takes $want" "$TMP/out.err" $want
	matrix_line vfsstat "$path" "$TMP/out.err"
done

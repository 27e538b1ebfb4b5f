# vfscount in the guest: a shell (-p, stopped until vfscount is attached)
# writes a file and reads it back N times (echo: one write; ash's read: a
# read(2) a byte, two here): vfs_write N, vfs_read 2N and vfs_open 2N exactly,
# on kprobe.multi (6.12: CONFIG_FPROBE), a kprobe per function and fentry (a
# program per function).
. /tests/lib.sh
n=7
d=$TMP/vfscount.$$
mkdir -p "$d"
# Debian's 6.12 has CONFIG_FPROBE (kprobe.multi), 6.1 has not.
case $(uname -r) in
6.1.*) paths="best avoid=kprobe" best=kprobe ;;
*) paths="best avoid=kprobe_multi avoid=kprobe" best=kprobe_multi ;;
esac
for path in $paths; do
	case $path in
	best) want="kinds=$best vfs_read=$best vfs_write=$best vfs_open=$best core=cut" ;;
	avoid=kprobe_multi) want="kinds=kprobe vfs_read=kprobe vfs_write=kprobe vfs_open=kprobe" ;;
	*) want="kinds=fentry vfs_read=fentry vfs_write=fentry vfs_open=fentry" ;;
	esac
	sh -c 'cd "$1"; kill -STOP $$
		i=0; while [ $i -lt $2 ]; do echo x >f; read l <f; i=$((i + 1)); done' _ "$d" $n &
	p=$!
	i=0
	while [ "$(sed 's/.*) //' /proc/$p/stat | cut -d' ' -f1)" != T ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" vfscount -v --json -p $p; then
		fail "vfscount [$path] starts" "$(tail -n 3 "$TMP/out.err")"
		kill -KILL $p
		continue
	fi
	kill -CONT $p
	wait $p
	# Removing 80 kprobes or fentry trampolines one by one is slow under
	# emulation (5 to 13 s: see vfscount.c), so up to 60 s here.
	pid=$TOOL_PID
	TOOL_PID=
	kill -INT $pid
	i=0
	while kill -0 $pid 2>/dev/null && [ $i -lt 600 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -KILL $pid 2>/dev/null
	wait $pid
	rc=$?
	got=
	for f in vfs_write vfs_read vfs_open; do
		got="$got $(sed -n "s/.*\"func\":\"$f\",\"count\":\([0-9]*\).*/\1/p" "$TMP/out")"
	done
	if [ $rc = 0 ] && [ "$got" = " $n $((2 * n)) $((2 * n))" ]; then
		ok "vfscount [$path] -p counts vfs_write, vfs_read, vfs_open of a marked shell exactly"
	else
		fail "vfscount [$path] -p counts vfs_write, vfs_read, vfs_open of a marked shell exactly" \
			"exit status $rc, got [$got], want [ $n $((2 * n)) $((2 * n))]: $(head -c 600 "$TMP/out")"
	fi
	check_path "vfscount [$path] takes $want" "$TMP/out.err" $want
	matrix_line vfscount "$path" "$TMP/out.err"
done
rm -rf "$d"

# filelife in the guest: a shell stopped until filelife is attached creates a
# marked file, waits 0.4 s and execs rm on it (the PID stays): one event
# with that PID, COMM rm and AGE from 0.4 to under 2 s (the sleep and rm's
# exec stretch in a guest on a loaded host), on tmpfs and on ext4 (an ext2 image
# on a loop device mounted as ext4), on each hook kind: vfs_open, vfs_create
# and vfs_unlink via fexit, via kprobe (+ kretprobe), then the fallback (opens
# at their exit, ext4_unlink_enter via tp_btf or raw_tp, unlink() by name).
# The age on the exact path and on the fallback is printed for comparison.
. /tests/lib.sh
e=/tmp/filelife.$$.ext4
mkdir -p "$e"
loop=
dd if=/dev/zero of=/tmp/filelife.$$.img bs=1M count=8 2>/dev/null
if loop=$(losetup -f) && losetup "$loop" /tmp/filelife.$$.img &&
	mke2fs "$loop" >/dev/null 2>&1 && mount -t ext4 "$loop" "$e"; then
	:
else
	e=
fi
for path in best avoid=fexit avoid=fexit,kprobe avoid=fexit,kprobe,tp_btf; do
	case $path in
	best) want="kinds=fexit vfs_unlink=fexit vfs_open=fexit vfs_create=fexit sys_exit_openat=-" ;;
	avoid=fexit) want="kinds=kprobe+kretprobe vfs_unlink=kprobe vfs_open=kprobe vfs_create=kprobe" ;;
	avoid=fexit,kprobe) want="kinds=tp_btf+tracepoint ext4_unlink_enter=tp_btf sys_exit_openat=tracepoint sys_exit_unlinkat=tracepoint vfs_unlink=-" ;;
	avoid=fexit,kprobe,tp_btf) want="kinds=raw_tp+tracepoint ext4_unlink_enter=raw_tp sys_exit_unlinkat=tracepoint" ;;
	esac
	pids=
	k=0
	for d in /tmp $e; do
		# (one name per directory: unlink("dir/name") is matched by name alone)
		k=$((k + 1))
		sh -c 'kill -STOP $$; : >"$1"; sleep 0.4; exec rm "$1"' _ "$d/fl$$.$k.${path#*=}" &
		pids="$pids $!"
	done
	for p in $pids; do
		i=0
		while [ "$(sed 's/.*) //' /proc/$p/stat | cut -d' ' -f1)" != T ] && [ $i -lt 100 ]; do
			sleep 0.05
			i=$((i + 1))
		done
	done
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" filelife -v; then
		fail "filelife [$path] starts" "$(tail -n 3 "$TMP/out.err")"
		kill -KILL $pids
		continue
	fi
	kill -CONT $pids
	wait $pids
	sleep 0.2
	stop_tool
	rc=$?
	set -- $pids
	k=0
	for d in /tmp $e; do
		p=$1
		shift
		k=$((k + 1))
		line=$(grep -E "^[0-9:]{8} +$p +rm +[0-9]+\.[0-9]{2} +fl$$\.$k\.${path#*=}\$" "$TMP/out")
		age=$(echo "$line" | awk '{ print $4 }')
		if [ $rc = 0 ] && [ -n "$line" ] && awk -v a="$age" 'BEGIN { exit !(a >= 0.4 && a < 2) }'; then
			ok "filelife [$path] $d: the file's PID, COMM rm and AGE 0.4-2"
			echo "# filelife [$path] $d age: $age"
		else
			fail "filelife [$path] $d: the file's PID, COMM rm and AGE 0.4-2" \
				"exit status $rc, pid $p, age '$age': $(cat "$TMP/out")"
		fi
	done
	[ -n "$e" ] || skip "filelife [$path] ext4" "cannot make an ext4 file system on a loop device"
	check_path "filelife [$path] takes $want" "$TMP/out.err" $want
	matrix_line filelife "$path" "$TMP/out.err"
done
if [ -n "$e" ]; then
	umount "$e"
	losetup -d "$loop"
fi
rm -f /tmp/filelife.$$.img

# fsdist in the guest: on an ext2 image mounted as ext4, two marked dd runs
# (an open, three writes and an fsync; an open and two reads) are counted
# exactly at ext4's functions (fentry/fexit; kprobe/kretprobe with fentry
# avoided) and at the system calls (fentry and kprobes avoided).  The fentry
# and syscall runs count the same calls at the same time; "# calib" lines
# give both paths' getattr counts.
# common-args: -t ext4
. /tests/lib.sh
dd if=/dev/zero of=/tmp/fsd.img bs=1M count=8 2>/dev/null || bail_out "fsdist: disk image" "dd failed"
loop=$(losetup -f)
if [ -z "$loop" ] || ! losetup "$loop" /tmp/fsd.img; then
	skip_all "no loop device (is loop.ko loaded?)"
fi
mke2fs -q "$loop" 2>"$TMP/mk.err" || bail_out "fsdist: ext2 file system" "$(cat "$TMP/mk.err")"
mnt=/tmp/fsd
mkdir -p $mnt
mount -t ext4 "$loop" $mnt || bail_out "fsdist: mount -t ext4" "mount failed"
w=busyboxd$$ # (a copy of busybox runs its applets if its name starts with "busybox")
cp /bin/busybox "$TMP/$w"

work() {
	"$TMP/$w" dd if=/dev/zero of=$mnt/$1 bs=4096 count=3 conv=fsync 2>/dev/null
	"$TMP/$w" dd if=$mnt/$1 of=/dev/null bs=1000 count=2 skip=5 2>/dev/null
}

# total FILE OP: the count of OP's histogram in the JSON object of FILE.
total() {
	sed -n "s/.*\"operation\":\"$2\",\"hist\":{\"unit\":\"usecs\",\"total\":\([0-9]*\).*/\1/p" "$1" | head -n 1
}

check_run() {
	local path=$1 out=$2 want got=
	case $path in
	best) want="kinds=fentry+fexit ext4_file_getattr=fentry sys_enter=- core=cut" ;;
	avoid=fentry) want="kinds=kprobe+kretprobe ext4_file_getattr=kprobe sys_enter=-" ;;
	avoid=fentry,kprobe) want="kinds=tp_btf sys_enter=tp_btf sys_exit=tp_btf ext4_file_open=-" ;;
	esac
	for op in read write open fsync; do
		got="$got $op=$(total "$out" $op)"
	done
	if [ "$got" = " read=2 write=3 open=2 fsync=1" ]; then
		ok "fsdist [$path] counts the marked calls exactly"
	else
		fail "fsdist [$path] counts the marked calls exactly" "got [$got]: $(head -c 300 "$out")"
	fi
	check_path "fsdist [$path] takes $want" "$out.err" $want
	matrix_line fsdist "$path" "$out.err"
}

if BPFSCOPE_AVOID=fentry,kprobe start_tool "$TMP/sys" fsdist -t ext4 -v --json; then
	sys_pid=$TOOL_PID
	if start_tool "$TMP/best" ext4dist -v --json; then
		work f1.$$
		sleep 0.3
		stop_tool
		check_run best "$TMP/best"
	else
		fail "ext4dist [best] starts" "$(tail -n 3 "$TMP/best.err")"
	fi
	TOOL_PID=$sys_pid
	stop_tool
	check_run avoid=fentry,kprobe "$TMP/sys"
	echo "# calib $KERNEL fsdist: getattr fentry $(total "$TMP/best" getattr), syscalls $(total "$TMP/sys" getattr)"
else
	fail "fsdist [avoid=fentry,kprobe] starts" "$(tail -n 3 "$TMP/sys.err")"
fi
if BPFSCOPE_AVOID=fentry start_tool "$TMP/kp" fsdist -t ext4 -v --json; then
	work f2.$$
	sleep 0.3
	stop_tool
	check_run avoid=fentry "$TMP/kp"
else
	fail "fsdist [avoid=fentry] starts" "$(tail -n 3 "$TMP/kp.err")"
fi
umount $mnt
losetup -d "$loop"

# fsslower in the guest: on an ext2 image mounted as ext4, a marked dd's
# open, three 4 KiB writes, fsync, open and two 1000-byte reads at 5000 are
# shown with their bytes and offsets at ext4's functions (fentry/fexit, and
# kprobe/kretprobe with fentry avoided) and at the system calls (fentry and
# kprobes avoided).  The fentry and syscall runs trace the same dd at the
# same time: "# calib" lines give the syscall path's extra latency per call.
# common-args: -t ext4
. /tests/lib.sh
dd if=/dev/zero of=/tmp/fss.img bs=1M count=8 2>/dev/null || bail_out "fsslower: disk image" "dd failed"
loop=$(losetup -f)
if [ -z "$loop" ] || ! losetup "$loop" /tmp/fss.img; then
	skip_all "no loop device (is loop.ko loaded?)"
fi
mke2fs -q "$loop" 2>"$TMP/mk.err" || bail_out "fsslower: ext2 file system" "$(cat "$TMP/mk.err")"
mnt=/tmp/fss
mkdir -p $mnt
mount -t ext4 "$loop" $mnt || bail_out "fsslower: mount -t ext4" "mount failed"
w=busyboxs$$ # (a copy of busybox runs its applets if its name starts with "busybox")
cp /bin/busybox "$TMP/$w"
want_ops="O 0 0;W 4096 0;W 4096 4096;W 4096 8192;F 0 0;O 0 0;R 1000 5000;R 1000 6000;"

# ops FILE NAME: the CSV rows of file NAME as "T BYTES OFFSET;...".
ops() { awk -F, -v f="$2" '$8 == f { printf "%s %s %s;", $4, $5, $6 }' "$1"; }

work() {
	"$TMP/$w" dd if=/dev/zero of=$mnt/$1 bs=4096 count=3 conv=fsync 2>/dev/null
	"$TMP/$w" dd if=$mnt/$1 of=/dev/null bs=1000 count=2 skip=5 2>/dev/null
}

# check_run PATH OUT NAME: the calls of file NAME, the path taken, the matrix line.
check_run() {
	local path=$1 out=$2 want
	case $path in
	best) want="kinds=fentry+fexit ext4_file_read_iter=fentry ext4_sync_file=fentry sys_enter=- core=cut" ;;
	avoid=fentry) want="kinds=kprobe+kretprobe ext4_file_write_iter=kprobe ext4_file_open=kprobe sys_enter=-" ;;
	avoid=fentry,kprobe) want="kinds=tp_btf sys_enter=tp_btf sys_exit=tp_btf ext4_file_read_iter=-" ;;
	esac
	got=$(ops "$out" "$3")
	if [ "$got" = "$want_ops" ]; then
		ok "fsslower [$path] shows the marked dd's calls with bytes and offsets"
	else
		fail "fsslower [$path] shows the marked dd's calls with bytes and offsets" "got [$got]"
	fi
	check_path "fsslower [$path] takes $want" "$out.err" $want
	matrix_line fsslower "$path" "$out.err"
}

# fentry and the syscalls at once, on the same calls; then kprobes.
if BPFSCOPE_AVOID=fentry,kprobe start_tool "$TMP/sys" fsslower -t ext4 -v -c -m 0 -n $w; then
	sys_pid=$TOOL_PID
	if start_tool "$TMP/best" ext4slower -v -c -m 0 -n $w; then
		work f1.$$
		sleep 0.3
		stop_tool
		check_run best "$TMP/best" f1.$$
	else
		fail "ext4slower [best] starts" "$(tail -n 3 "$TMP/best.err")"
	fi
	TOOL_PID=$sys_pid
	stop_tool
	check_run avoid=fentry,kprobe "$TMP/sys" f1.$$
	# Per call, in order: the syscall path's latency minus the fentry path's.
	awk -F, -v f=f1.$$ 'FNR == NR { if ($8 == f) l[n++] = $7; next }
		$8 == f { d = $7 - l[i++]; s = s sprintf(" %s%+d", $4, d); t += d }
		END { if (i) printf "# calib %s fsslower: syscall - fentry (us):%s; mean %+.1f\n", k, s, t / i }' \
		k="$KERNEL" "$TMP/best" "$TMP/sys"
else
	fail "fsslower [avoid=fentry,kprobe] starts" "$(tail -n 3 "$TMP/sys.err")"
fi
if BPFSCOPE_AVOID=fentry start_tool "$TMP/kp" fsslower -t ext4 -v -c -m 0 -n $w; then
	work f2.$$
	sleep 0.3
	stop_tool
	check_run avoid=fentry "$TMP/kp" f2.$$
else
	fail "fsslower [avoid=fentry] starts" "$(tail -n 3 "$TMP/kp.err")"
fi
umount $mnt
losetup -d "$loop"

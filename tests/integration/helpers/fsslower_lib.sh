# For test_fsslower.sh and test_fsdist.sh (sourced after tests/lib.sh): file
# systems on loop devices, and the workload helper on FIFOs (never on a file
# of the traced file system, so it adds nothing to what is counted).
WORK=$TOP/tests/integration/helpers/fsslower_work.py

# mount_loop TYPE MIB: a fresh TYPE file system on a loop device at $TMP/TYPE.
mount_loop() {
	local type=$1 img=$TMP/$1.img dev
	truncate -s "$2M" "$img" || return 1
	case $type in
	ext4) mkfs.ext4 -q -F "$img" ;;
	xfs) mkfs.xfs -q -f "$img" ;;
	btrfs) mkfs.btrfs -q -f "$img" >/dev/null ;;
	esac || return 1
	dev=$(losetup -f --show "$img") || return 1
	on_exit "losetup -d $dev"
	mkdir -p "$TMP/$type"
	mount -t "$type" "$dev" "$TMP/$type" || return 1
	on_exit "umount $TMP/$type"
}

# work_start NAME COMM FILE [SLOW_MIB]: start the helper; WPID[NAME] is its PID.
declare -A WPID WIN WOUT
WORKS=0
work_start() {
	local n=$1 fd fifo=$TMP/work.$((++WORKS))
	shift
	mkfifo "$fifo.in" "$fifo.out"
	python3 "$WORK" "$@" <"$fifo.in" >"$fifo.out" &
	exec {fd}>"$fifo.in"
	WIN[$n]=$fd
	exec {fd}<"$fifo.out"
	WOUT[$n]=$fd
	read -r _ "WPID[$n]" <&"${WOUT[$n]}"
}

# work_go NAME: run its workload; its report ("OP BYTES OFFSET USECS" lines) in $TMP/NAME.res.
work_go() {
	local n=$1 line
	echo go >&"${WIN[$n]}"
	: >"$TMP/$n.res"
	while read -r line <&"${WOUT[$n]}"; do
		[ "$line" = done ] && break
		echo "$line" >>"$TMP/$n.res"
	done
	eval "exec ${WIN[$n]}>&- ${WOUT[$n]}<&-"
	wait "${WPID[$n]}" 2>/dev/null
}

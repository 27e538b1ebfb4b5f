# biostacks in the guest: direct writes to a loop device by a process with a
# unique name are counted exactly under its PID, disk and kernel stack, on
# each submitter hook the kernel offers (block_io_start on 6.5+, block_getrq
# before; forced with avoid=block_io_start) and through raw tracepoints.
# Options are tested on the host.
. /tests/lib.sh
dd if=/dev/zero of=/tmp/bst.img bs=1M count=8 2>"$TMP/dd.err" ||
	bail_out "biostacks: disk image" "dd failed: $(cat "$TMP/dd.err")"
loop=$(losetup -f)
if [ -z "$loop" ] || ! losetup "$loop" /tmp/bst.img; then
	skip_all "no loop device (is loop.ko loaded?)"
fi
disk=${loop#/dev/}
w=busyboxk$$
cp /bin/busybox "$TMP/$w"

ver=$(uname -r)
major=${ver%%.*} minor=${ver#*.}
minor=${minor%%[!0-9]*}
if [ "$major" -gt 6 ] || { [ "$major" = 6 ] && [ "$minor" -ge 5 ]; }; then
	sub=block_io_start paths="best avoid=tp_btf avoid=block_io_start"
else
	sub=block_getrq paths="best avoid=tp_btf"
fi
n=3
for path in $paths; do
	case $path in
	best) want="kinds=tp_btf $sub=tp_btf block_rq_issue=tp_btf block_rq_complete=tp_btf core=cut" ;;
	avoid=tp_btf) want="kinds=raw_tp $sub=raw_tp block_rq_complete=raw_tp" ;;
	avoid=block_io_start) want="kinds=tp_btf block_getrq=tp_btf block_io_start=-" ;;
	esac
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" biostacks -v; then
		fail "biostacks [$path] starts" "$(tail -n 3 "$TMP/out.err")"
		continue
	fi
	"$TMP/$w" dd if=/dev/zero of="$loop" bs=4k count=$n seek=$(($$ % 500 + 8)) oflag=direct \
		2>"$TMP/dd.err" &
	pid=$!
	wait $pid
	dd_rc=$?
	sleep 0.3
	stop_tool
	rc=$?
	# The histogram counts under "COMM PID DISK" and its stack, up to the next blank line.
	got=$(awk -v w="$w" -v p="$pid" -v d="$disk" '
		$1 == w && $2 == p && $3 == d { in_sec = 1; next }
		in_sec && /^$/ { in_sec = 0 }
		in_sec && / -> / { n += $5 }
		END { print n + 0 }' "$TMP/out")
	if [ $dd_rc != 0 ]; then
		fail "biostacks [$path] counts $n direct writes under their PID and disk" \
			"dd failed (status $dd_rc): $(cat "$TMP/dd.err")"
	elif [ $rc = 0 ] && [ "$got" = $n ]; then
		ok "biostacks [$path] counts $n direct writes under their PID and disk"
	else
		fail "biostacks [$path] counts $n direct writes under their PID and disk" \
			"exit status $rc, got $got: $(grep -A 3 "^$w" "$TMP/out") $(grep -v libbpf "$TMP/out.err" | tail -n 8 | tr "\n" " ")"
	fi
	if grep -A 1 "^$w " "$TMP/out" | grep -qx '    blk_mq_submit_bio' &&
		grep -A 30 "^$w " "$TMP/out" | grep -qx '    ksys_write'; then
		ok "biostacks [$path] shows the write() stack from the block layer up"
	else
		fail "biostacks [$path] shows the write() stack from the block layer up" \
			"$(grep -A 12 "^$w " "$TMP/out")"
	fi
	check_path "biostacks [$path] takes $want" "$TMP/out.err" $want
	matrix_line biostacks "$path" "$TMP/out.err"
done
losetup -d "$loop"

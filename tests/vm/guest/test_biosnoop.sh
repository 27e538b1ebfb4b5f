# biosnoop in the guest: direct writes of known place and size to a loop
# device, by a process with a unique name, are shown with its PID, the sector
# and the bytes, on each submitter hook the kernel offers (block_io_start on
# 6.5+, block_getrq before; forced with avoid=block_io_start), through raw
# tracepoints and the perf buffer too.  Options are tested on the host.
. /tests/lib.sh
dd if=/dev/zero of=/tmp/bsn.img bs=1M count=8 2>"$TMP/dd.err" ||
	bail_out "biosnoop: disk image" "dd failed: $(cat "$TMP/dd.err")"
loop=$(losetup -f)
if [ -z "$loop" ] || ! losetup "$loop" /tmp/bsn.img; then
	skip_all "no loop device (is loop.ko loaded?)"
fi
disk=${loop#/dev/}
# A copy of busybox whose name starts with "busybox" still runs its applets.
w=busyboxw$$
cp /bin/busybox "$TMP/$w"

# block_io_start is Linux 6.5+.
ver=$(uname -r)
major=${ver%%.*} minor=${ver#*.}
minor=${minor%%[!0-9]*}
if [ "$major" -gt 6 ] || { [ "$major" = 6 ] && [ "$minor" -ge 5 ]; }; then
	sub=block_io_start paths="best avoid=tp_btf,ringbuf avoid=block_io_start"
else
	sub=block_getrq paths="best avoid=tp_btf,ringbuf"
fi
for path in $paths; do
	case $path in
	best) want="kinds=tp_btf $sub=tp_btf block_rq_issue=tp_btf buffer=ringbuf core=cut" ;;
	avoid=tp_btf,ringbuf) want="kinds=raw_tp $sub=raw_tp block_rq_complete=raw_tp buffer=perfbuf" ;;
	avoid=block_io_start) want="kinds=tp_btf block_getrq=tp_btf block_io_start=-" ;;
	esac
	seek=$(($$ % 500 + 8))
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" biosnoop -v -d "$disk"; then
		fail "biosnoop [$path] starts" "$(tail -n 3 "$TMP/out.err")"
		continue
	fi
	"$TMP/$w" dd if=/dev/zero of="$loop" bs=4k count=2 seek=$seek oflag=direct 2>"$TMP/dd.err" &
	pid=$!
	wait $pid
	dd_rc=$?
	sleep 0.3
	stop_tool
	rc=$?
	got=$(awk -v w="$w" '$2 == w { print $3, $4, substr($5, 1, 1), $6, $7 }' "$TMP/out" |
		tr '\n' ' ')
	want_rows="$pid $disk W $((seek * 8)) 4096 $pid $disk W $((seek * 8 + 8)) 4096 "
	if [ $dd_rc != 0 ]; then
		fail "biosnoop [$path] shows 2 direct writes with their PID and sectors" \
			"dd failed (status $dd_rc): $(cat "$TMP/dd.err")"
	elif [ $rc = 0 ] && [ "$got" = "$want_rows" ]; then
		ok "biosnoop [$path] shows 2 direct writes with their PID and sectors"
	else
		fail "biosnoop [$path] shows 2 direct writes with their PID and sectors" \
			"exit status $rc, got [$got], want [$want_rows]: $(head -n 4 "$TMP/out")"
	fi
	check_path "biosnoop [$path] takes $want" "$TMP/out.err" $want
	matrix_line biosnoop "$path" "$TMP/out.err"
done
losetup -d "$loop"

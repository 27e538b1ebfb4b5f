# biotop in the guest: direct writes to a loop device by a process with a
# unique name are counted for its PID, exactly, on each hook kind (the
# submitter from block_io_start on 6.5+, block_getrq before).  Options are
# tested on the host.
. /tests/lib.sh
dd if=/dev/zero of=/tmp/btop.img bs=1M count=8 2>"$TMP/dd.err" ||
	bail_out "biotop: disk image" "dd failed: $(cat "$TMP/dd.err")"
loop=$(losetup -f)
if [ -z "$loop" ] || ! losetup "$loop" /tmp/btop.img; then
	skip_all "no loop device (is loop.ko loaded?)"
fi
disk=${loop#/dev/}
w=busyboxt$$
cp /bin/busybox "$TMP/$w"
n=12

ver=$(uname -r)
major=${ver%%.*} minor=${ver#*.}
minor=${minor%%[!0-9]*}
if [ "$major" -gt 6 ] || { [ "$major" = 6 ] && [ "$minor" -ge 5 ]; }; then sub=block_io_start
else sub=block_getrq; fi
for path in best avoid=tp_btf; do
	kind=tp_btf
	[ "$path" = best ] || kind=raw_tp
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" biotop -v -C 30; then
		fail "biotop [$path] starts" "$(tail -n 3 "$TMP/out.err")"
		continue
	fi
	"$TMP/$w" dd if=/dev/zero of="$loop" bs=4k count=$n oflag=direct 2>"$TMP/dd.err" &
	pid=$!
	wait $pid
	dd_rc=$?
	sleep 0.3
	stop_tool
	rc=$?
	got=$(awk -v p=$pid '$1 == p { print $2, $3, $6, $7, $8 }' "$TMP/out" | tr '\n' ' ')
	want_row="$w W $disk $n $((n * 4)) "
	if [ $dd_rc != 0 ]; then
		fail "biotop [$path] counts $n writes of 4 KiB for their PID" \
			"dd failed (status $dd_rc): $(cat "$TMP/dd.err")"
	elif [ $rc = 0 ] && [ "$got" = "$want_row" ]; then
		ok "biotop [$path] counts $n writes of 4 KiB for their PID"
	else
		fail "biotop [$path] counts $n writes of 4 KiB for their PID" \
			"exit status $rc, got [$got], want [$want_row]: $(head -n 6 "$TMP/out")"
	fi
	check_path "biotop [$path] takes $kind, the submitter from $sub" "$TMP/out.err" \
		kinds=$kind $sub=$kind block_rq_issue=$kind block_rq_complete=$kind
	matrix_line biotop "$path" "$TMP/out.err"
done
losetup -d "$loop"

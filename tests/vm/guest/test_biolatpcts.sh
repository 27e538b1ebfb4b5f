# biolatpcts in the guest: direct writes and reads on a loop device are counted
# exactly per operation (JSON counts), on each hook kind.
. /tests/lib.sh
dd if=/dev/zero of=/tmp/biolatpcts.img bs=1M count=16 2>"$TMP/dd.err" ||
	bail_out "biolatpcts: disk image" "dd failed: $(cat "$TMP/dd.err")"
loop=$(losetup -f)
if [ -z "$loop" ] || ! losetup "$loop" /tmp/biolatpcts.img; then
	skip_all "no loop device (is loop.ko loaded?)"
fi
name=${loop#/dev/}
nw=30
nr=12
for path in best avoid=tp_btf; do
	kind=tp_btf
	[ "$path" = best ] || kind=raw_tp
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" biolatpcts -v -j -i -1 "$name"; then
		fail "biolatpcts [$path] starts" "$(tail -n 2 "$TMP/out.err")"
		continue
	fi
	dd if=/dev/zero of="$loop" bs=4k count=$nw oflag=direct 2>"$TMP/dd.err" &&
		dd if="$loop" of=/dev/null bs=4k count=$nr iflag=direct 2>>"$TMP/dd.err"
	dd_rc=$?
	stop_tool
	rc=$?
	counts=$(tail -n 1 "$TMP/out" | sed -n 's/.*"counts":{\([^}]*\)}.*/\1/p')
	want="\"read\":$nr,\"write\":$nw,\"discard\":0,\"flush\":0"
	if [ $dd_rc != 0 ]; then
		fail "biolatpcts [$path] counts the requests" "dd failed: $(cat "$TMP/dd.err")"
	elif [ $rc = 0 ] && [ "$counts" = "$want" ] && grep -q "\"disk\":\"$name\"" "$TMP/out"; then
		ok "biolatpcts [$path] counts the requests ($counts)"
	else
		fail "biolatpcts [$path] counts the requests" "exit status $rc, '$counts' (want '$want') $(tail -c 300 "$TMP/out")"
	fi
	check_path "biolatpcts [$path]: $kind" "$TMP/out.err" kinds=$kind block_rq_issue=$kind \
		block_rq_complete=$kind
	matrix_line biolatpcts "$path" "$TMP/out.err"
done
losetup -d "$loop"
rm -f /tmp/biolatpcts.img

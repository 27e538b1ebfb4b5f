# biolatency in the guest: direct I/O to a loop device is counted for that
# disk, with the queued time (-Q: block_rq_insert, issue and complete hooked),
# on each hook kind the kernel offers (the filters and layouts are tested on
# the host; -Q's hooks include the others').
. /tests/lib.sh
dd if=/dev/zero of=/tmp/disk.img bs=1M count=16 2>"$TMP/dd.err" ||
	bail_out "biolatency: disk image" "dd failed: $(cat "$TMP/dd.err")"
loop=$(losetup -f)
if [ -z "$loop" ] || ! losetup "$loop" /tmp/disk.img; then
	skip_all "no loop device (is loop.ko loaded?)"
fi
name=${loop#/dev/}
n=40
for path in best avoid=tp_btf; do
	kind=tp_btf
	[ "$path" = best ] || kind=raw_tp
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" biolatency -v -D -Q -d "$name"; then
		fail "biolatency [$path] -Q starts" "$(tail -n 2 "$TMP/out.err")"
		continue
	fi
	dd if=/dev/zero of="$loop" bs=4k count=$n oflag=direct 2>"$TMP/dd.err"
	dd_rc=$?
	stop_tool
	rc=$?
	total=$(awk '/:/ && $2 == "->" { n += $5 } END { print n + 0 }' "$TMP/out")
	if [ $dd_rc != 0 ]; then
		fail "biolatency [$path] -Q counts $n direct writes to $name" \
			"dd failed (status $dd_rc): $(cat "$TMP/dd.err")"
	elif [ $rc = 0 ] && grep -q "^disk = $name" "$TMP/out" && [ "$total" -ge $n ] &&
		[ "$total" -le $((n + 20)) ]; then
		ok "biolatency [$path] -Q counts $n direct writes to $name ($total)"
	else
		fail "biolatency [$path] -Q counts $n direct writes to $name" \
			"exit status $rc, total=$total $(head -n 4 "$TMP/out")"
	fi
	check_path "biolatency [$path] -Q: $kind for every hook" "$TMP/out.err" kinds=$kind \
		block_rq_insert=$kind block_rq_issue=$kind block_rq_complete=$kind
	[ "$path" = best ] && check_path "biolatency [best]: CO-RE against the cut BTF" "$TMP/out.err" core=cut
	matrix_line biolatency "$path,-Q" "$TMP/out.err"
done
losetup -d "$loop"

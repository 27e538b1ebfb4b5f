# biolatency in the guest: direct I/O to a loop device is counted for that
# disk, on every path, queued time included (-Q) or not.
. /tests/lib.sh
dd if=/dev/zero of=/tmp/disk.img bs=1M count=16 2>/dev/null
loop=$(losetup -f)
if [ -z "$loop" ] || ! losetup "$loop" /tmp/disk.img; then
	skip "biolatency: loop device" "no loop device (is loop.ko loaded?)"
	exit 0
fi
name=${loop#/dev/}
n=40
for path in best avoid=tp_btf avoid=corebtf; do
	for q in "" -Q; do
		if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" biolatency -v -D $q -d "$name"; then
			fail "biolatency [$path] $q starts" "$(tail -n 2 "$TMP/out.err")"
			continue
		fi
		dd if=/dev/zero of="$loop" bs=4k count=$n oflag=direct 2>/dev/null
		stop_tool
		total=$(awk '/:/ && $2 == "->" { n += $5 } END { print n + 0 }' "$TMP/out")
		if grep -q "^disk = $name" "$TMP/out" && [ "$total" -ge $n ] &&
			[ "$total" -le $((n + 20)) ]; then
			ok "biolatency [$path] $q counts $n direct writes to $name ($total)"
		else
			fail "biolatency [$path] $q counts $n direct writes to $name" \
				"total=$total $(head -n 4 "$TMP/out")"
		fi
		matrix_line biolatency "$path${q:+,$q}" "$TMP/out.err"
	done
done
losetup -d "$loop"

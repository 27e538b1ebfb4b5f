# biopattern in the guest: a sequential and a random run of direct writes to a
# loop device give the exact row, on each hook kind of block_rq_complete.
. /tests/lib.sh
dd if=/dev/zero of=/tmp/biopattern.img bs=1M count=16 2>"$TMP/dd.err" ||
	bail_out "biopattern: disk image" "dd failed: $(cat "$TMP/dd.err")"
loop=$(losetup -f)
if [ -z "$loop" ] || ! losetup "$loop" /tmp/biopattern.img; then
	skip_all "no loop device (is loop.ko loaded?)"
fi
name=${loop#/dev/}
for path in best avoid=tp_btf avoid=tp_btf,raw_tp; do
	case $path in
	best) kind=tp_btf ;;
	avoid=tp_btf) kind=raw_tp ;;
	*) kind=tracepoint ;;
	esac
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" biopattern -v -d "$name"; then
		fail "biopattern [$path] starts" "$(tail -n 2 "$TMP/out.err")"
		continue
	fi
	# The first write has no previous one (not counted); 20 sequential, 5 random.
	err=
	dd if=/dev/zero of="$loop" bs=4k count=1 seek=50 oflag=direct 2>"$TMP/dd.err" || err=1
	dd if=/dev/zero of="$loop" bs=4k count=20 seek=51 oflag=direct 2>>"$TMP/dd.err" || err=1
	for i in 0 1 2 3 4; do
		dd if=/dev/zero of="$loop" bs=4k count=1 seek=$((2000 + 7 * i)) oflag=direct \
			2>>"$TMP/dd.err" || err=1
	done
	stop_tool
	rc=$?
	row=$(awk -v d="$name" '$1 == d { print $2, $3, $4, $5 }' "$TMP/out")
	if [ -n "$err" ]; then
		fail "biopattern [$path] row of $name" "dd failed: $(cat "$TMP/dd.err")"
	elif [ $rc = 0 ] && [ "$row" = "20 80 25 100" ]; then
		ok "biopattern [$path] row of $name ($row)"
	else
		fail "biopattern [$path] row of $name" "exit status $rc, row '$row' (want '20 80 25 100') $(head -n 4 "$TMP/out")"
	fi
	check_path "biopattern [$path]: $kind" "$TMP/out.err" kinds=$kind block_rq_complete=$kind
	matrix_line biopattern "$path" "$TMP/out.err"
done
losetup -d "$loop"
rm -f /tmp/biopattern.img

# bitesize in the guest: direct 4 KiB and 64 KiB writes to a loop device land
# in dd's histogram, on each hook kind: the request's submitter through the
# block_io_start tracepoint (6.5+: tp_btf, raw_tp) or blk_account_io_start
# (fentry, kprobe), or without them (6.1) the issuing task.
. /tests/lib.sh
dd if=/dev/zero of=/tmp/bitesize.img bs=1M count=16 2>"$TMP/dd.err" ||
	bail_out "bitesize: disk image" "dd failed: $(cat "$TMP/dd.err")"
loop=$(losetup -f)
if [ -z "$loop" ] || ! losetup "$loop" /tmp/bitesize.img; then
	skip_all "no loop device (is loop.ko loaded?)"
fi
name=${loop#/dev/}
n4=23
n64=6
case $(uname -r) in
6.1.*) paths="best avoid=tp_btf" ;;
*) paths="best avoid=tp_btf avoid=block_io_start avoid=block_io_start,fentry" ;;
esac
for path in $paths; do
	issue=tp_btf
	[ "$path" = avoid=tp_btf ] && issue=raw_tp
	case $(uname -r)/$path in
	6.1.*) start=- ;;
	*/best) start=block_io_start=tp_btf ;;
	*/avoid=tp_btf) start=block_io_start=raw_tp ;;
	*/avoid=block_io_start) start=blk_account_io_start=fentry ;;
	*) start=blk_account_io_start=kprobe ;;
	esac
	[ "$start" = - ] && start="block_io_start=- blk_account_io_start=-"
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" bitesize -v -c dd -d "$name"; then
		fail "bitesize [$path] starts" "$(tail -n 2 "$TMP/out.err")"
		continue
	fi
	dd if=/dev/zero of="$loop" bs=4k count=$n4 oflag=direct 2>"$TMP/dd.err" &&
		dd if=/dev/zero of="$loop" bs=64k count=$n64 seek=4 oflag=direct 2>>"$TMP/dd.err"
	dd_rc=$?
	stop_tool
	rc=$?
	got=$(awk '/^Process Name = / { insec = ($0 == "Process Name = dd") }
		insec && $2 == "->" { c[$1] = $5; t += $5 } END { print c[4] + 0, c[64] + 0, t + 0 }' \
		"$TMP/out")
	if [ $dd_rc != 0 ]; then
		fail "bitesize [$path] counts dd's writes" "dd failed: $(cat "$TMP/dd.err")"
	elif [ $rc = 0 ] && [ "$got" = "$n4 $n64 $((n4 + n64))" ]; then
		ok "bitesize [$path] counts dd's writes ($got)"
	else
		fail "bitesize [$path] counts dd's writes" "exit status $rc, 4K 64K all: '$got' $(head -n 12 "$TMP/out")"
	fi
	check_path "bitesize [$path]: block_rq_issue via $issue, $start" "$TMP/out.err" \
		block_rq_issue=$issue $start
	matrix_line bitesize "$path" "$TMP/out.err"
done
losetup -d "$loop"
rm -f /tmp/bitesize.img

# bitesize in the guest: direct 4 KiB and 64 KiB writes to a loop device land
# in the right slots, on each hook kind; where the kernel has block_io_start
# (6.5+: tp_btf, raw_tp) they are dd's, the task that submitted them; without
# it (6.1, or made to look missing) under the task issuing them, which on 6.1
# is a kworker (the loop device's queue is run from kblockd).
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
*) paths="best avoid=tp_btf avoid=block_io_start" ;;
esac
for path in $paths; do
	issue=tp_btf
	[ "$path" = avoid=tp_btf ] && issue=raw_tp
	case $(uname -r)/$path in
	6.1.* | */avoid=block_io_start) start=- ;;
	*/best) start=tp_btf ;;
	*) start=raw_tp ;;
	esac
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" bitesize -v --submitter -d "$name"; then
		fail "bitesize [$path] starts" "$(tail -n 2 "$TMP/out.err")"
		continue
	fi
	dd if=/dev/zero of="$loop" bs=4k count=$n4 oflag=direct 2>"$TMP/dd.err" &&
		dd if=/dev/zero of="$loop" bs=64k count=$n64 seek=4 oflag=direct 2>>"$TMP/dd.err"
	dd_rc=$?
	stop_tool
	rc=$?
	# Slots 4 and 64 and all, of every name (comm: "") or of comm's histogram.
	slots() {
		awk -v c="$1" '/^Process Name = / { insec = (c == "" || $0 == "Process Name = " c) }
			insec && $2 == "->" { n[$1] += $5; t += $5 } END { print n[4] + 0, n[64] + 0, t + 0 }' \
			"$TMP/out"
	}
	got=$(slots "")
	dd_got=$(slots dd)
	want="$n4 $n64 $((n4 + n64))"
	if [ $dd_rc != 0 ]; then
		fail "bitesize [$path] counts the writes" "dd failed: $(cat "$TMP/dd.err")"
	elif [ $rc = 0 ] && [ "$got" = "$want" ] && { [ $start = - ] || [ "$dd_got" = "$want" ]; }; then
		ok "bitesize [$path] counts the writes$([ $start = - ] || echo " as dd's") ($got)"
	else
		fail "bitesize [$path] counts the writes" "exit status $rc, 4K 64K all: '$got', dd's '$dd_got' (want '$want') $(head -n 12 "$TMP/out")"
	fi
	check_path "bitesize [$path]: block_rq_issue via $issue, block_io_start via $start" \
		"$TMP/out.err" block_rq_issue=$issue block_io_start=$start
	matrix_line bitesize "$path" "$TMP/out.err"
done
losetup -d "$loop"
rm -f /tmp/bitesize.img

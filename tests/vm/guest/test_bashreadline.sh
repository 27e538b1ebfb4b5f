# bashreadline in the guest (no bash here): -s names the static helper, whose
# readline() returns the line it is given; the line shows with the helper's
# PID, through a uretprobe, with both event buffers.
. /tests/lib.sh
H=/helpers/uprobe_calls
for path in best avoid=ringbuf; do
	case $path in
	best) want="readline=uretprobe buffer=ringbuf core=cut" ;;
	*) want="readline=uretprobe buffer=perfbuf" ;;
	esac
	line="vm_line_$$_${path#*=} with  spaces"
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" bashreadline -v -s "$H"; then
		fail "bashreadline [$path] starts" "$(tail -n 3 "$TMP/out.err")"
		continue
	fi
	"$H" readline "$line" >"$TMP/pid"
	wait_for "$TMP/out" "vm_line_$$" 5
	sleep 0.3
	stop_tool
	rc=$?
	pid=$(head -n 1 "$TMP/pid")
	if [ $rc = 0 ] && grep -qxE "[0-9:]{8} +$pid +$line" "$TMP/out"; then
		ok "bashreadline [$path] shows the line with PID $pid"
	else
		fail "bashreadline [$path] shows the line with PID $pid" "exit status $rc: $(cat "$TMP/out")"
	fi
	check_path "bashreadline [$path] takes $want" "$TMP/out.err" $want
	matrix_line bashreadline "$path" "$TMP/out.err"
done

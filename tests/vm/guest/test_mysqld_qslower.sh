# mysqld_qslower in the guest: a stand-in MySQL server (usdt_runtime:
# mysql:query__start/done with semaphores) runs a 50 ms query: shown with its
# PID, time (50 ms and more: a sleep in the guest overshoots, by much on a
# loaded host; under 1 s) and text, on both event buffers.
. /tests/lib.sh
for path in best avoid=ringbuf; do
	case $path in
	best) want="mysql:query__start=usdt mysql:query__done=usdt buffer=ringbuf" ;;
	avoid=ringbuf) want="kinds=usdt buffer=perfbuf" ;;
	esac
	q="SELECT vm_myq_$$_${path#*=}"
	usdt_runtime 10000 mysql "$q" 50 &
	p=$!
	if ! BPFSCOPE_AVOID=$(avoid_env "$path") start_tool "$TMP/out" mysqld_qslower -v $p; then
		fail "mysqld_qslower [$path] starts" "$(tail -n 3 "$TMP/out.err")"
		kill $p
		continue
	fi
	wait $p
	sleep 0.3
	stop_tool
	rc=$?
	ms=$(grep -E "^[0-9.]+ +$p +[0-9]+\.[0-9]{3} $q\$" "$TMP/out" | awk '{ print $3 }')
	if [ $rc = 0 ] && [ -n "$ms" ] && awk -v m="$ms" 'BEGIN { exit !(m >= 50 && m < 1000) }'; then
		ok "mysqld_qslower [$path] shows the 50 ms query with PID $p ($ms ms)"
	else
		fail "mysqld_qslower [$path] shows the 50 ms query with PID $p" \
			"exit status $rc, ms '$ms': $(cat "$TMP/out")"
	fi
	check_path "mysqld_qslower [$path] takes $want" "$TMP/out.err" $want
	matrix_line mysqld_qslower "$path" "$TMP/out.err"
done

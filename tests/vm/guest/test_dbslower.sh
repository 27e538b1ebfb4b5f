# dbslower in the guest: stand-in PostgreSQL and MySQL servers (usdt_runtime:
# query__start/done with semaphores) run a 60 ms query: shown with the PID,
# time (60 ms and more: a sleep in the guest overshoots, by much on a loaded
# host; under 1 s) and text; a 0 ms one is under the 20 ms threshold.
# common-args: postgres -x /helpers/usdt_runtime
. /tests/lib.sh
for db in postgres mysql; do
	q="SELECT vm_db_$$_$db"
	usdt_runtime 10000 $db "$q" 60 &
	p=$!
	usdt_runtime 10000 $db "$q-fast" 0 &
	f=$!
	if ! start_tool "$TMP/out" dbslower -v -m 20 -p $p,$f $db; then
		fail "dbslower $db starts" "$(tail -n 3 "$TMP/out.err")"
		kill $p $f
		continue
	fi
	wait $p $f
	sleep 0.3
	stop_tool
	rc=$?
	ms=$(grep -E "^[0-9.]+ +$p +[0-9]+\.[0-9]{3} $q\$" "$TMP/out" | awk '{ print $3 }')
	if [ $rc = 0 ] && [ -n "$ms" ] && awk -v m="$ms" 'BEGIN { exit !(m >= 60 && m < 1000) }' &&
		! grep -q -- "-fast" "$TMP/out"; then
		ok "dbslower $db shows the 60 ms query with PID $p ($ms ms), not the 0 ms one"
	else
		fail "dbslower $db shows the 60 ms query with PID $p, not the 0 ms one" \
			"exit status $rc, ms '$ms': $(cat "$TMP/out")"
	fi
	[ $db = postgres ] && prov=postgresql || prov=mysql
	check_path "dbslower $db takes USDT $prov:query__start/done" "$TMP/out.err" \
		$prov:query__start=usdt $prov:query__done=usdt
	matrix_line dbslower $db "$TMP/out.err"
done

# dbslower in the guest: stand-in PostgreSQL and MySQL servers (usdt_runtime:
# query__start/done with semaphores) run a 60 ms query: shown with the PID,
# time and text; a 5 ms one is under the 20 ms threshold.
# common-args: postgres -x /helpers/usdt_runtime
. /tests/lib.sh
for db in postgres mysql; do
	q="SELECT vm_db_$$_$db"
	usdt_runtime 10000 $db "$q" 60 &
	p=$!
	usdt_runtime 10000 $db "$q-fast" 5 &
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
	if [ $rc = 0 ] && grep -qE "^[0-9.]+ +$p +[6-9][0-9]\.[0-9]{3} $q\$" "$TMP/out" &&
		! grep -q -- "-fast" "$TMP/out"; then
		ok "dbslower $db shows the 60 ms query with PID $p, not the 5 ms one"
	else
		fail "dbslower $db shows the 60 ms query with PID $p, not the 5 ms one" "exit status $rc: $(cat "$TMP/out")"
	fi
	[ $db = postgres ] && prov=postgresql || prov=mysql
	check_path "dbslower $db takes USDT $prov:query__start/done" "$TMP/out.err" \
		$prov:query__start=usdt $prov:query__done=usdt
	matrix_line dbslower $db "$TMP/out.err"
done

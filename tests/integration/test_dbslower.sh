#!/bin/bash
# dbslower: a private PostgreSQL (initdb as nobody under $TMP, its own port
# and socket directory) runs a marked slow query (pg_sleep): shown with its
# backend's PID, its time and its text; -m leaves out the faster one; -p
# keeps one session's query and not another's; --json.  MySQL: a stand-in
# server with the mysql:query__* probes (tests/helpers/usdt_runtime), and
# one without them through dispatch_command (-x).
# common-args: postgres
. "$(dirname "$0")/../lib.sh"
need cc

m=$(marker db)
rt=$TMP/mysqld
cc -O1 -I"$TOP/tests/helpers" -o "$rt" "$TOP/tests/helpers/usdt_runtime.c" ||
	bail_out "the USDT stand-in builds"
cc -O1 -o "$TMP/dispatch" "$TOP/tests/integration/helpers/dbslower_dispatch.c" ||
	bail_out "the dispatch_command stand-in builds"

# --- MySQL: the query probes of a stand-in server; dispatch_command with -x.
"$rt" 3000 mysql "SELECT '$m-my'" 250 &
mpid=$!
if ! start_tool "$TMP/out" dbslower mysql -v -p $mpid; then
	kill $mpid
	bail_out "dbslower mysql -p starts" "$(cat "$TMP/out.err")"
fi
wait $mpid
sleep 0.2
stop_tool INT
check "mysql: the query with the server's PID, its time and text" \
	grep -qE "^[0-9.]+ +$mpid +2[5-9][0-9]\.[0-9]{3} SELECT '$m-my'\$" "$TMP/out"
check "header: TIME(s) PID MS QUERY" grep -qE '^TIME\(s\) +PID +MS QUERY$' "$TMP/out"
check_path "mysql: USDT mysql:query__start and query__done" "$TMP/out.err" \
	mysql:query__start=usdt mysql:query__done=usdt

start_tool "$TMP/out" dbslower mysql -v -x "$TMP/dispatch" -m 20 || bail_out "dbslower -x starts" "$(cat "$TMP/out.err")"
"$TMP/dispatch" 0 "SELECT '$m-fast'" 5 &
"$TMP/dispatch" 0 "SELECT '$m-disp'" 60 &
dpid=$!
wait $dpid
sleep 0.2
stop_tool INT
check "mysql -x: a server without the probes, through dispatch_command (COM_QUERY only)" \
	test "$(grep -cE "^[0-9.]+ +$dpid +[6-9][0-9]\.[0-9]{3} SELECT '$m-disp'\$" "$TMP/out") $(grep -c "$m" "$TMP/out")" = "1 1"
check_path "mysql -x: uprobe and uretprobe on dispatch_command" "$TMP/out.err" \
	kinds=uprobe+uretprobe

out=$("$BIN/dbslower" mysql -x /bin/true 2>&1)
check "-x of a program without either: one line" grep -q "has neither USDT probe mysql:query__start nor a function dispatch_command" <<<"$out"
out=$("$BIN/dbslower" oracle 2>&1)
check "an unknown database: one line" test "$(wc -l <<<"$out")" = 1 -a -n "$(grep oracle <<<"$out")"

# --- PostgreSQL: a private server.
pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ ! -x "$pgbin/initdb" ] || ! command -v psql >/dev/null; then
	skip "postgres: a slow query (4 checks)" "needs PostgreSQL's initdb and psql (make deps)"
	return 0 2>/dev/null || exit 0
fi
pg=$TMP/pg
mkdir -p "$pg/data" "$pg/sock" "$pg/log"
chown nobody "$pg/data" "$pg/sock" "$pg/log"
port=$(free_ports 1) || bail_out "a free port"
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
if ! as_nobody "$pgbin/initdb" -D "$pg/data" -A trust -U postgres --no-sync >"$pg/log/initdb" 2>&1 ||
	! as_nobody "$pgbin/pg_ctl" -D "$pg/data" -l "$pg/log/server" -w \
		-o "-p $port -k $pg/sock -c listen_addresses=''" start >/dev/null 2>&1; then
	skip "postgres: a slow query (4 checks)" "the private server did not start: $(tail -n 2 "$pg/log/"* | tr '\n' ' ')"
	return 0 2>/dev/null || exit 0
fi
on_exit as_nobody "$pgbin/pg_ctl" -D "$pg/data" -m immediate stop
sql() { psql -X -q -A -t -h "$pg/sock" -p $port -U postgres "$@"; }

# A session that waits for its statements (a fifo), so its PID is known first.
mkfifo "$TMP/sess"
sql -f "$TMP/sess" >"$TMP/sess.out" 2>&1 &
exec 7>"$TMP/sess"
echo "select pg_backend_pid();" >&7
wait_for "$TMP/sess.out" '^[0-9]+$' 10
bpid=$(head -n 1 "$TMP/sess.out")
start_tool "$TMP/out" dbslower postgres -v -p $bpid -m 100 || bail_out "dbslower postgres starts" "$(cat "$TMP/out.err")"
echo "select pg_sleep(0.05), '$m-fast';" >&7
echo "select pg_sleep(0.3), '$m-pg';" >&7
sql -c "select pg_sleep(0.3), '$m-other'" >/dev/null
wait_for "$TMP/sess.out" "$m-pg" 10
sleep 0.2
stop_tool INT
check "postgres: the slow query with the backend's PID, its time and text" \
	grep -qE "^[0-9.]+ +$bpid +(3[0-9]{2}|4[0-9]{2})\.[0-9]{3} select pg_sleep\(0\.3\), '$m-pg';\$" "$TMP/out"
check "-m 100: the 50 ms query is left out" test "$(grep -c "$m-fast" "$TMP/out")" = 0
check "-p: another session's query is left out" test "$(grep -c "$m-other" "$TMP/out")" = 0
check_path "postgres: USDT postgresql:query__start and query__done" "$TMP/out.err" \
	postgresql:query__start=usdt postgresql:query__done=usdt

start_tool "$TMP/out" dbslower postgres --json || bail_out "dbslower --json starts" "$(cat "$TMP/out.err")"
echo "select pg_sleep(0.2), '$m-json';" >&7
wait_for "$TMP/sess.out" "$m-json" 10
sleep 0.2
stop_tool INT
exec 7>&-
if jq -e --arg q "select pg_sleep(0.2), '$m-json';" --argjson p $bpid \
	'select(.query == $q) | .pid == $p and .ms >= 200 and .ms < 1000' "$TMP/out" >/dev/null; then
	ok "postgres without -p (the running server), --json: query, pid and ms"
else
	fail "postgres without -p (the running server), --json: query, pid and ms" "$(head -c 300 "$TMP/out")"
fi

#!/bin/bash
# mysqld_qslower: with no MySQL here (or one without DTrace probes), one line
# saying what is missing; with a stand-in server that has the probes
# (tests/helpers/usdt_runtime, named mysqld): a slow query with its PID, time
# and text, MIN_MS, every running mysqld without a PID, --json.
. "$(dirname "$0")/../lib.sh"
need cc

m=$(marker myq)
rt=$TMP/mysqld
cc -O1 -I"$TOP/tests/helpers" -o "$rt" "$TOP/tests/helpers/usdt_runtime.c" ||
	bail_out "the USDT stand-in builds"

if ! pgrep -x mysqld >/dev/null && ! command -v mysqld >/dev/null && [ ! -e /usr/sbin/mysqld ]; then
	out=$("$BIN/mysqld_qslower" 2>&1)
	rc=$?
	check "no MySQL here: one line saying so, status 1" test "$rc $(wc -l <<<"$out")" = "1 1" -a \
		-n "$(grep '^mysqld_qslower: this machine has no MySQL server with USDT probe mysql:query__start' <<<"$out")"
fi
sleep 5 &
spid=$!
out=$("$BIN/mysqld_qslower" $spid 2>&1)
check "a PID that is no MySQL server: one line naming the probe" \
	test "$(wc -l <<<"$out")" = 1 -a -n "$(grep "process $spid has no USDT probe mysql:query__start" <<<"$out")"
kill $spid

"$rt" 3000 mysql "SELECT '$m'" 150 &
mpid=$!
"$rt" 3000 mysql "SELECT '$m-other'" 150 &
opid=$!
if ! start_tool "$TMP/out" mysqld_qslower -v $mpid; then
	kill $mpid $opid
	bail_out "mysqld_qslower PID starts" "$(cat "$TMP/out.err")"
fi
wait $mpid $opid
sleep 0.2
stop_tool INT
check "banner and header" grep -qzE "Tracing MySQL server queries for PID $mpid slower than 1 ms...
TIME\(s\) +PID +MS QUERY
" "$TMP/out"
check "the query with its PID, time and text" \
	grep -qE "^[0-9.]+ +$mpid +1[5-9][0-9]\.[0-9]{3} SELECT '$m'\$" "$TMP/out"
check "PID: another server's query is left out" test "$(grep -c "$m-other" "$TMP/out")" = 0
check_path "USDT mysql:query__start and query__done" "$TMP/out.err" \
	mysql:query__start=usdt mysql:query__done=usdt kinds=usdt

# Without a PID: the running servers' program (the stand-in, by its name); MIN_MS needs a PID.
"$rt" 5000 mysql "SELECT '$m-slow'" 400 &
mpid=$!
"$rt" 5000 mysql "SELECT '$m-fast'" 100 &
fpid=$!
start_tool "$TMP/out" mysqld_qslower --json || bail_out "mysqld_qslower starts" "$(cat "$TMP/out.err")"
wait $mpid $fpid
sleep 0.2
stop_tool INT
if jq -se --arg q "SELECT '$m-slow'" --argjson p $mpid \
	'map(select(.query | startswith($q))) | length == 1 and .[0].pid == $p and .[0].ms >= 400' \
	"$TMP/out" >/dev/null; then
	ok "without a PID, --json: a running mysqld's query, with pid and ms"
else
	fail "without a PID, --json: a running mysqld's query, with pid and ms" "$(head -c 300 "$TMP/out")"
fi
"$rt" 3000 mysql "SELECT '$m-fast2'" 100 &
fpid=$!
"$rt" 3000 mysql "SELECT '$m-slow2'" 300 &
mpid=$!
start_tool "$TMP/out" mysqld_qslower $fpid 200 || bail_out "mysqld_qslower PID MIN_MS starts" "$(cat "$TMP/out.err")"
wait $fpid $mpid
sleep 0.2
stop_tool INT
check "MIN_MS 200: a 100 ms query is left out" test "$(grep -c "$m-fast2" "$TMP/out")" = 0

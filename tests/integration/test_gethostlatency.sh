#!/bin/bash
# gethostlatency: a program with a unique name resolves host names through
# each of getaddrinfo(), gethostbyname() and gethostbyname2(); every lookup
# shows with its PID, name and exact host, a latency no longer than the
# caller measured, and (--json) whether it succeeded; -p keeps the marked
# process and drops a second one.
. "$(dirname "$0")/../lib.sh"

need jq cc
u=$RANDOM$RANDOM
cc -O1 -o "$TMP/lookup" "$TOP/tests/integration/helpers/gethostlatency_lookup.c" ||
	bail_out "the lookup workload builds" "cc failed"
ip=127.0.$((RANDOM % 250 + 1)).$((RANDOM % 250 + 1))
mkfifo "$TMP/gate"

# --- text, ring buffer ------------------------------------------------------------------
start_tool "$TMP/out" gethostlatency -v || bail_out "gethostlatency starts" "$(cat "$TMP/out.err")"
"$TMP/lookup" "gh_$u" "$TMP/pid" - getaddrinfo:localhost gethostbyname:localhost \
	"gethostbyname2:$ip" >"$TMP/measured"
check "the lookups succeed" test $? = 0
wait_for "$TMP/out" "gh_$u .* $ip\$" 5
sleep 0.2
stop_tool INT
check "stops with status 0" test $? = 0
check_path "uprobe_multi links on the three functions, ring buffer" "$TMP/out.err" \
	getaddrinfo=uprobe_multi gethostbyname=uprobe_multi gethostbyname2=uprobe_multi \
	buffer=ringbuf core=cut
check "header TIME PID COMM LATms HOST" grep -qE '^TIME +PID +COMM +LATms +HOST$' "$TMP/out"
pid=$(cat "$TMP/pid")
got=$(awk -v c="gh_$u" '$3 == c { print $1 ~ /^[0-9][0-9]:[0-9][0-9]:[0-9][0-9]$/, $2, $5 }' \
	"$TMP/out" | tr '\n' ' ')
check "each lookup: time of day, the PID and the exact host, in order" \
	test "$got" = "1 $pid localhost 1 $pid localhost 1 $pid $ip "

# --- --json, perf buffer, a uprobe each: function, success, latency against the caller's measure ---------
BPFSCOPE_AVOID=ringbuf,uprobe_multi start_tool "$TMP/out" gethostlatency -v --json ||
	bail_out "gethostlatency --json starts" "$(cat "$TMP/out.err")"
"$TMP/lookup" "gj_$u" "$TMP/pid" - getaddrinfo:localhost gethostbyname:localhost \
	"gethostbyname2:$ip" "numeric:nx-$u.invalid" >"$TMP/measured"
wait_for "$TMP/out" "nx-$u" 5
sleep 0.2
stop_tool INT
check_path "BPFSCOPE_AVOID=ringbuf,uprobe_multi: the perf buffer, a uprobe per function" \
	"$TMP/out.err" buffer=perfbuf getaddrinfo=uprobe gethostbyname=uprobe gethostbyname2=uprobe
pid=$(cat "$TMP/pid")
got=$(jq -r --arg c "gj_$u" 'select(.comm == $c) | "\(.func) \(.host) \(.ok) \(.pid) \(.tid)"' \
	"$TMP/out" | tr '\n' ' ')
check "--json: func, host, ok, pid and tid of each lookup (a failed one: ok false)" test "$got" = \
	"getaddrinfo localhost true $pid $pid gethostbyname localhost true $pid $pid gethostbyname2 $ip true $pid $pid getaddrinfo nx-$u.invalid false $pid $pid "
lat=$(jq -r --arg c "gj_$u" 'select(.comm == $c) | .lat_ms' "$TMP/out" | tr '\n' ' ')
read -r -a tool <<<"$lat"
mapfile -t caller < <(awk '{ print $3 }' "$TMP/measured")
bad=
for i in 0 1 2 3; do
	awk -v t="${tool[$i]:-x}" -v c="${caller[$i]:-0}" 'BEGIN { exit !(t > 0 && t <= c + 0.0005) }' ||
		bad+=" ${tool[$i]:-none}>${caller[$i]:-none}"
done
check "latency of each: above 0, not above what the caller measured ($lat)" test -z "$bad"

# --- -p: the marked process (waiting at a gate when the tool starts), not another -------
"$TMP/lookup" "gp_$u" "$TMP/pid" "$TMP/gate" "getaddrinfo:localhost" >/dev/null &
target=$!
if start_tool "$TMP/out" gethostlatency -p "$target"; then
	echo go >"$TMP/gate"
	"$TMP/lookup" "gx_$u" "$TMP/pid.x" - getaddrinfo:localhost >/dev/null
	wait "$target"
	wait_for "$TMP/out" "gp_$u" 5
	sleep 0.2
	stop_tool INT
else
	fail "gethostlatency -p starts" "$(cat "$TMP/out.err")"
	echo go >"$TMP/gate"
	wait "$target"
fi
check "-p PID shows that process's lookup" grep -qE "^[0-9:]+ +$target +gp_$u +[0-9.]+ +localhost\$" "$TMP/out"
if grep -q "gx_$u" "$TMP/out"; then fail "-p PID drops another process" "shown"
else ok "-p PID drops another process"; fi

# --- -l LIBC and bad input ------------------------------------------------------------------
libc=$(ldd "$TMP/lookup" | awk '/libc\.so/ { print $3 }')
start_tool "$TMP/out" gethostlatency -l "$libc" || fail "gethostlatency -l starts" "$(cat "$TMP/out.err")"
"$TMP/lookup" "gl_$u" "$TMP/pid" - getaddrinfo:localhost >/dev/null
wait_for "$TMP/out" "gl_$u" 5
stop_tool INT
check "-l PATH: lookups through that libc" grep -qE " gl_$u +[0-9.]+ +localhost\$" "$TMP/out"
out=$("$BIN/gethostlatency" -l "/nonexistent/libc-$u.so" 2>&1)
check "-l of a missing file: status 1, one line naming it" \
	test $? = 1 -a "$(wc -l <<<"$out")" = 1 -a -n "$(grep -F "libc-$u.so" <<<"$out")"
out=$("$BIN/gethostlatency" -l /bin/true 2>&1)
check "-l of a file without the functions: status 1, one line" \
	test $? = 1 -a "$(wc -l <<<"$out")" = 1

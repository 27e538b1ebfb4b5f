#!/bin/bash
# ucalls: a python3 script with uniquely named functions called a known
# number of times: each count exact for the traced process, nothing of a
# second process that calls the same functions; -T, -L -m, -S (getppid
# calls counted exactly), every python3 process without a pid, --json.
# common-args: -l python
. "$(dirname "$0")/../lib.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || skip_all "needs /usr/bin/python3"
grep -q function__return "$(readlink -f "$PY")" || skip_all "$PY has no USDT probes"

m=$(marker uc)
m=${m//-/_}
script=$TMP/$m.py
# argv: GO-FILE N-A N-B N-GETPPID [profile]; waits for GO-FILE, then calls.
cat >"$script" <<PY
import os, sys, time
go, na, nb, nk = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
while not os.path.exists(go):
    time.sleep(0.02)
if len(sys.argv) > 5:
    sys.setprofile(slice)  # CPython 3.11 fires function__entry only while profiled
def ${m}_a(x):
    return x
def ${m}_b(x):
    return x
list(map(${m}_a, range(na)))
list(map(${m}_b, range(nb)))
for _ in range(nk):
    os.getppid()
PY

na=$((20 + RANDOM % 30)) nb=$((60 + RANDOM % 30)) nk=$((10 + RANDOM % 20))

# run_py GO ARGS...: start the script in the background (PYPID).
run_py() {
	rm -f "$1"
	"$PY" "$script" "$@" &
	PYPID=$!
}

# count OUT FUNC: the # CALLS of FUNC's row.
count() { awk -v f="$script.$2" '$1 == f { print $2 }' "$1"; }

run_py "$TMP/go" $na $nb $nk
run_py "$TMP/go2" 3 4 0
other=$PYPID
run_py "$TMP/go" $na $nb $nk
if ! start_tool "$TMP/out" ucalls -S -v $PYPID; then
	kill $PYPID $other
	bail_out "ucalls PID starts" "$(cat "$TMP/out.err")"
fi
touch "$TMP/go" "$TMP/go2"
wait $PYPID $other
sleep 0.2
stop_tool INT
check "header: METHOD # CALLS" grep -qE '^METHOD +# CALLS$' "$TMP/out"
check "the language is found from the process (python)" \
	grep -qF "Tracing calls in process $PYPID (language: python)" "$TMP/out"
check "function A counted exactly ($na calls)" test "$(count "$TMP/out" ${m}_a)" = $na
check "function B counted exactly ($nb calls, not the other process's 4)" \
	test "$(count "$TMP/out" ${m}_b)" = $nb
check "-S: getppid counted exactly ($nk calls)" \
	test "$(awk '$1 == "getppid" { print $2 }' "$TMP/out")" = $nk
check "most called last (BCC's order)" \
	test "$(grep -nF "${m}_b" "$TMP/out" | cut -d: -f1)" -gt "$(grep -nF "${m}_a" "$TMP/out" | cut -d: -f1)"
check_path "USDT python:function__return, system calls through tp_btf" "$TMP/out.err" \
	python:function__return=usdt sys_exit=tp_btf

# -L -m: with the time in ms (entries need the profile hook).
run_py "$TMP/go" $na $nb 0 profile
start_tool "$TMP/out" ucalls -l python -L -m $PYPID || bail_out "ucalls -L starts" "$(cat "$TMP/out.err")"
touch "$TMP/go"
wait $PYPID
sleep 0.2
stop_tool INT
check "-L -m: header with TIME (ms)" grep -qE '^METHOD +# CALLS TIME \(ms\)$' "$TMP/out"
check "-L: counts exact, each with a time" grep -qE "${m}_a +$na +[0-9]+\.[0-9]{2}$" "$TMP/out"
check "-L: the other function too" grep -qE "${m}_b +$nb +[0-9]+\.[0-9]{2}$" "$TMP/out"

# -T 1: only the most called.
run_py "$TMP/go" $na $nb 0
start_tool "$TMP/out" ucalls -T 1 $PYPID || bail_out "ucalls -T starts" "$(cat "$TMP/out.err")"
touch "$TMP/go"
wait $PYPID
sleep 0.2
stop_tool INT
check "-T 1: only the most called function, counted exactly" \
	test "$(grep -c '^[^ ]' "$TMP/out") $(count "$TMP/out" ${m}_b)" = "3 $nb"

# Without a pid: every python3 process, also one started later; --json.
start_tool "$TMP/out" ucalls -l python --json || bail_out "ucalls -l python starts" "$(cat "$TMP/out.err")"
run_py "$TMP/go" 7 $nb 0
touch "$TMP/go"
wait $PYPID
sleep 0.2
stop_tool INT
if jq -e --arg c "$script" --arg f "${m}_" --argjson nb $nb \
	'.calls | map(select(.class == $c)) | map({(.method): .calls}) | add |
	 .[$f + "a"] == 7 and .[$f + "b"] == $nb' "$TMP/out" >/dev/null; then
	ok "without a pid (-l python): a python3 started later, counted; --json rows"
else
	fail "without a pid (-l python): a python3 started later, counted; --json rows" "$(head -c 400 "$TMP/out")"
fi

out=$("$BIN/ucalls" -l cobol 1 2>&1)
check "-l with an unknown language: one line" test "$(wc -l <<<"$out")" = 1 -a -n "$(grep 'cobol' <<<"$out")"
out=$("$BIN/ucalls" $$ 2>&1)
check "a process without a known runtime: said in one line" \
	grep -q "runs none of the runtimes known here" <<<"$out"
out=$("$BIN/ucalls" -S 2>&1)
check "no pid and no -l: said in one line" grep -q "without a pid, -l LANGUAGE" <<<"$out"

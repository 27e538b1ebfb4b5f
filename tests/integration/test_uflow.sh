#!/bin/bash
# uflow: a python3 script whose uniquely named outer function calls an inner
# one twice: the six entries and returns in order, indented by depth, with
# the PID and TID; nothing of a second process; -M and -C prefixes; every
# python3 without a pid; --json.
# common-args: -l python
. "$(dirname "$0")/../lib.sh"
PY=/usr/bin/python3
[ -x "$PY" ] || skip_all "needs /usr/bin/python3"
grep -q function__entry "$(readlink -f "$PY")" || skip_all "$PY has no USDT probes"

m=$(marker uf)
script=$TMP/$m.py
other=$TMP/${m}_other.py
# argv: GO-FILE N; waits for GO-FILE, then outer() calls inner() N times.
cat >"$script" <<PY
import os, sys, time
go, n = sys.argv[1], int(sys.argv[2])
while not os.path.exists(go):
    time.sleep(0.02)
sys.setprofile(slice)  # CPython 3.11 fires function__entry only while profiled
def ${m}_inner(x):
    return x
def ${m}_outer(n):
    for i in range(n):
        ${m}_inner(i)
${m}_outer(n)
PY
cp "$script" "$other"

run_py() {
	rm -f "$2"
	"$PY" "$@" &
	PYPID=$!
}

# flow OUT PID: the METHOD column of PID's lines for the marked functions.
flow() { awk -v p="$2" '$2 == p && $3 == p' "$1" | grep -F ".${m}_" | cut -c 28-; }

run_py "$other" "$TMP/go2" 2
opid=$PYPID
run_py "$script" "$TMP/go" 2
if ! start_tool "$TMP/out" uflow -v $PYPID; then
	kill $PYPID $opid
	bail_out "uflow PID starts" "$(cat "$TMP/out.err")"
fi
touch "$TMP/go" "$TMP/go2"
wait $PYPID $opid
sleep 0.2
stop_tool INT
want="-> $script.${m}_outer
  -> $script.${m}_inner
  <- $script.${m}_inner
  -> $script.${m}_inner
  <- $script.${m}_inner
<- $script.${m}_outer"
check "header: CPU PID TID TIME(us) METHOD" grep -qE '^CPU +PID +TID +TIME\(us\) METHOD$' "$TMP/out"
got=$(flow "$TMP/out" $PYPID)
if [ "$got" = "$want" ]; then ok "entries and returns in order, indented by depth, with PID and TID"
else fail "entries and returns in order, indented by depth, with PID and TID" "$(grep -F "$m" "$TMP/out")"; fi
if grep -qF "$other" "$TMP/out"; then fail "another python process is not shown" "$(grep -F "$other" "$TMP/out" | head -2)"
else ok "another python process is not shown"; fi
check_path "USDT python:function__entry and __return" "$TMP/out.err" \
	python:function__entry=usdt python:function__return=usdt kinds=usdt

# -M: methods by prefix (depth counts only those shown); -C: classes (files) by prefix.
run_py "$script" "$TMP/go" 3
start_tool "$TMP/out" uflow -M "${m}_in" $PYPID || bail_out "uflow -M starts" "$(cat "$TMP/out.err")"
touch "$TMP/go"
wait $PYPID
sleep 0.2
stop_tool INT
inner="-> $script.${m}_inner
<- $script.${m}_inner"
check "-M: only the inner calls, 3 entries and 3 returns at depth 1" \
	test "$(flow "$TMP/out" $PYPID)" = "$inner
$inner
$inner"

start_tool "$TMP/out" uflow -l python -C "${other%.py}" --json || bail_out "uflow -C starts" "$(cat "$TMP/out.err")"
run_py "$script" "$TMP/go" 1
spid=$PYPID
run_py "$other" "$TMP/go2" 1
opid=$PYPID
touch "$TMP/go" "$TMP/go2"
wait $spid $opid
sleep 0.2
stop_tool INT
if jq -se --arg c "$other" --argjson p $opid \
	'map(select(.method | startswith("bpfscope_uf"))) |
	 (length == 4) and all(.class == $c and .pid == $p and .tid == $p) and
	 (map("\(.direction) \(.depth)") == ["entry 1", "entry 2", "return 2", "return 1"])' \
	"$TMP/out" >/dev/null; then
	ok "-l python without a pid, -C FILE-prefix, --json: the other file's 4 calls with depths"
else
	fail "-l python without a pid, -C FILE-prefix, --json: the other file's 4 calls with depths" "$(grep bpfscope_uf "$TMP/out" | head -c 600)"
fi

out=$("$BIN/uflow" -l python -M "$(printf 'x%.0s' {1..64})" 2>&1)
check "-M longer than a method name: one line" test "$(wc -l <<<"$out")" = 1 -a -n "$(grep 'longer than' <<<"$out")"

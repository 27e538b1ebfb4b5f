#!/bin/bash
# slabratetop: processes that stop themselves until the tools are attached,
# then open a random number of sockets each (one sock_inode_cache object per
# socket, a cache the kernel never merges with another).  Each run must count
# exactly the sockets of the processes its filter selects, on each hook kind,
# with BYTES = ALLOCS x the cache's object size (/sys/kernel/slab), and a
# system-wide run at least all of them; -r, -s, -C and INTERVAL COUNT shape the
# table.
. "$(dirname "$0")/../lib.sh"
need jq

[ -x "$BIN/slabratetop" ] || skip_all "bin/slabratetop is not built"
PY=/usr/bin/python3
[ -x "$PY" ] || skip_all "needs $PY"
CACHE=sock_inode_cache
[ -d /sys/kernel/slab/$CACHE ] && [ ! -L /sys/kernel/slab/$CACHE ] ||
	skip_all "needs an unmerged $CACHE (/sys/kernel/slab)"
SIZE=$(cat /sys/kernel/slab/$CACHE/slab_size)

reap_at_exit() {
	on_exit "[ \"\$(sed 's/.*) //' /proc/$1/stat 2>/dev/null | cut -d' ' -f2)\" = $BASHPID ] && kill -KILL $1"
}

wait_stopped() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" = T ] && return 0
		sleep 0.02
	done
	return 1
}

# sockets N: a process that stops itself, then opens N sockets; its PID in $!.
sockets() {
	"$PY" -c 'import os, signal, socket, sys
os.kill(os.getpid(), signal.SIGSTOP)
s = [socket.socket(socket.AF_UNIX) for _ in range(int(sys.argv[1]))]
sys.exit(0 if len(s) == int(sys.argv[1]) else 1)' "$1" &
	reap_at_exit $!
}

# start_bg OUT ARGS...: slabratetop ARGS in the background until attached; its PID in BG.
start_bg() {
	local out=$TMP/$1 i
	shift
	BPFSCOPE_READY_FILE=$out.ready env --default-signal=INT "$BIN/slabratetop" "$@" >"$out" \
		2>"$out.err" &
	BG=$!
	reap_at_exit $BG
	for ((i = 0; i < 200; i++)); do
		[ -e "$out.ready" ] && return 0
		kill -0 $BG 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# Distinct random counts, so a count shows whose sockets it holds.
na=$((300 + RANDOM % 200)) nb=$((520 + RANDOM % 200)) nc=$((100 + RANDOM % 150))
sockets $na
pa=$!
sockets $nb
pb=$!
sockets $nc
pc=$!
for p in $pa $pb $pc; do
	wait_stopped $p || bail_out "slabratetop: workload" "process $p did not stop itself"
done

started=1
start_bg all -v --json 30 && all=$BG || started=0
start_bg one --json -p $pa 30 && one=$BG || started=0
start_bg list -C -r 3 -s count -p $pa,$pb 30 && list=$BG || started=0
start_bg bytes -C -p $pa,$pb,$pc 30 && bytes=$BG || started=0
start_bg name -C -s name -r 1000 -p $pa 30 && name=$BG || started=0
BPFSCOPE_AVOID=tp_btf start_bg raw -v --json -p $pb 30 && raw=$BG || started=0
BPFSCOPE_AVOID=tp_btf,raw_tp start_bg tp -v --json -p $pc 30 && tp=$BG || started=0
[ $started = 1 ] || bail_out "slabratetop: start" "$(cat "$TMP"/*.err | grep -v '^slabratetop: ' | head -c 600)"

kill -CONT $pa $pb $pc
wstatus=
for p in $pa $pb $pc; do
	wait $p
	wstatus="$wstatus $?"
done
[ "$wstatus" = " 0 0 0" ] || bail_out "slabratetop: workload" "python statuses:$wstatus"
runs="$all $one $list $bytes $name $raw $tp"
for p in $runs; do kill -INT $p; done
status=
for p in $runs; do
	wait $p
	status="$status $?"
done
check "slabratetop: every run stops on SIGINT with status 0" test "$status" = " 0 0 0 0 0 0 0"

# allocs OUT: the marked cache's ALLOCS in a --json run's (single) interval.
allocs() {
	jq -s --arg c $CACHE '[.[].caches[] | select(.cache == $c) | .allocs] | add' "$TMP/$1" 2>/dev/null
}
# text_row OUT: the marked cache's row of a text run: "ALLOCS BYTES".
text_row() { awk -v c=$CACHE '$1 == c { print $2, $3 }' "$TMP/$1"; }

check "slabratetop -p A --json: exactly A's $na sockets ($(allocs one))" test "$(allocs one)" = $na
n=$(allocs all)
if [ "${n:-0}" -ge $((na + nb + nc)) ]; then
	ok "slabratetop (all): at least the $((na + nb + nc)) marked sockets ($n)"
else
	fail "slabratetop (all): at least the $((na + nb + nc)) marked sockets" "counted ${n:-none}"
fi
check_path "slabratetop takes tp_btf" "$TMP/all.err" kinds=tp_btf kmem_cache_alloc=tp_btf
check_path "slabratetop: BPFSCOPE_AVOID=tp_btf takes raw_tp" "$TMP/raw.err" \
	kinds=raw_tp kmem_cache_alloc=raw_tp
check "slabratetop [raw_tp] -p B: B's $nb sockets ($(allocs raw))" test "$(allocs raw)" = $nb
check_path "slabratetop: BPFSCOPE_AVOID=tp_btf,raw_tp takes the tracepoint" "$TMP/tp.err" \
	kinds=tracepoint kmem_cache_alloc=tracepoint
check "slabratetop [tracepoint] -p C: C's $nc sockets ($(allocs tp))" test "$(allocs tp)" = $nc

# JSON: one object per interval, the status line's fields and the rows.
if jq -e -s --arg c $CACHE --argjson n $na --argjson sz $SIZE 'length == 1 and (.[0] |
	(.time | test("^[0-9]{2}:[0-9]{2}:[0-9]{2}$")) and (.loadavg | length) == 3 and
	(.caches | length) >= 1 and (.caches | length) <= 20 and
	any(.caches[]; .cache == $c and .allocs == $n and .bytes == $n * $sz))' \
	"$TMP/one" >/dev/null; then
	ok "slabratetop --json: {time, loadavg, caches: [{cache, allocs, bytes = allocs x $SIZE}]}"
else
	fail "slabratetop --json: {time, loadavg, caches: [{cache, allocs, bytes = allocs x $SIZE}]}" \
		"$(head -c 400 "$TMP/one")"
fi

# Text: the status line, a blank line, the header, the rows.
hdr_ok() {
	sed -n 1p "$TMP/$1" | grep -qE '^[0-9]{2}:[0-9]{2}:[0-9]{2} loadavg: [0-9.]+ [0-9.]+ [0-9.]+ [0-9]+/[0-9]+ [0-9]+$' &&
		[ -z "$(sed -n 2p "$TMP/$1")" ] &&
		[ "$(sed -n 3p "$TMP/$1")" = "$(printf '%-32s %6s %10s' CACHE ALLOCS BYTES)" ]
}
# sorted OUT FIELD FLAGS: the rows are sorted that way (sort -c).
sorted() { tail -n +4 "$TMP/$1" | awk -v f=$2 '{ print $f }' | LC_ALL=C sort -c $3; }

read -r n_abc bytes_abc <<<"$(text_row bytes)"
if hdr_ok bytes && [ "$n_abc" = $((na + nb + nc)) ] && [ "$bytes_abc" = $(((na + nb + nc) * SIZE)) ] &&
	sorted bytes 3 -rn && [ "$(tail -n +4 "$TMP/bytes" | wc -l)" -le 20 ]; then
	ok "slabratetop -C -p A,B,C: loadavg line, CACHE ALLOCS BYTES, the three's sockets, most bytes first"
else
	fail "slabratetop -C -p A,B,C: loadavg line, CACHE ALLOCS BYTES, the three's sockets, most bytes first" \
		"want $((na + nb + nc)) $(((na + nb + nc) * SIZE)): $(head -c 500 "$TMP/bytes")"
fi
if hdr_ok list && [ "$(tail -n +4 "$TMP/list" | wc -l)" = 3 ] && sorted list 2 -rn; then
	ok "slabratetop -r 3 -s count: three rows, the most allocations first"
else
	fail "slabratetop -r 3 -s count: three rows, the most allocations first" "$(cat "$TMP/list")"
fi
read -r n_ab _ <<<"$(text_row list)"
if [ -z "$n_ab" ] || [ "$n_ab" = $((na + nb)) ]; then
	ok "slabratetop -p A,B: the marked cache, if in the top 3, holds A's and B's sockets only"
else
	fail "slabratetop -p A,B: the marked cache, if in the top 3, holds A's and B's sockets only" \
		"want $((na + nb)): $(cat "$TMP/list")"
fi
if hdr_ok name && sorted name 1 -f && [ "$(text_row name)" = "$na $((na * SIZE))" ]; then
	ok "slabratetop -s name -r 1000 -p A: rows by cache name, A's sockets"
else
	fail "slabratetop -s name -r 1000 -p A: rows by cache name, A's sockets" "$(cat "$TMP/name")"
fi

# INTERVAL COUNT: two tables, a blank line between, then it exits by itself with 0.
timeout 10 "$BIN/slabratetop" -C 1 2 >"$TMP/two" 2>"$TMP/two.err"
rc=$?
if [ $rc = 0 ] && [ "$(grep -cE '^[0-9:]{8} loadavg: ' "$TMP/two")" = 2 ] &&
	[ "$(grep -c '^CACHE  ' "$TMP/two")" = 2 ] && [ ! -s "$TMP/two.err" ]; then
	ok "slabratetop -C 1 2: two tables, then exits with 0"
else
	fail "slabratetop -C 1 2: two tables, then exits with 0" "status $rc: $(head -c 300 "$TMP/two.err")"
fi

# Bad input: one line, status 2.
"$BIN/slabratetop" -s bytes >"$TMP/o" 2>"$TMP/e"
rc=$?
if [ $rc = 2 ] && [ "$(wc -l <"$TMP/e")" = 1 ] && grep -q "'bytes'" "$TMP/e" && [ ! -s "$TMP/o" ]; then
	ok "slabratetop -s bytes: a one-line error naming the value, status 2"
else
	fail "slabratetop -s bytes: a one-line error naming the value, status 2" "status $rc: $(cat "$TMP/e")"
fi

# Without any usable hook (here: no fentry, no kprobes): one line naming what each lacks.
BPFSCOPE_AVOID=tp_btf,raw_tp,tracepoint "$BIN/slabratetop" >"$TMP/o" 2>"$TMP/e"
rc=$?
if [ $rc = 1 ] && [ "$(wc -l <"$TMP/e")" = 1 ] && [ ! -s "$TMP/o" ] &&
	grep -q '^slabratetop: cannot trace kmem_cache_alloc on this kernel: tp_btf .*raw_tp .*tracepoint .*fentry .*kprobe ' "$TMP/e"; then
	ok "slabratetop: no usable hook is a one-line error"
else
	fail "slabratetop: no usable hook is a one-line error" "status $rc: $(cat "$TMP/e")"
fi

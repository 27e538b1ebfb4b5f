#!/bin/bash
# threadsnoop: a program with a unique name creates threads through
# pthread_create(); each shows with the creator's PID and name and, with the
# uprobe on libc, the start routine's name, else the new thread's TID; every
# hook kind and both buffers; the filters keep the marked creator and drop
# another.
. "$(dirname "$0")/../lib.sh"

need jq
u=$RANDOM$RANDOM
me=$BASHPID
cc -O1 -pthread -o "$TMP/spawn" "$TOP/tests/integration/helpers/threadsnoop_spawn.c" ||
	bail_out "the thread workload builds" "cc failed"
mkfifo "$TMP/gate"
ln -s /bin/bash "$TMP/tg_$u"
ln -s /bin/bash "$TMP/tf_$u"

# tids FILE: the TIDs the workload wrote (after its PID), sorted.
tids() { tail -n +2 "$1" | sort -n | tr '\n' ' '; }

# --- best path: tp_btf, the uprobe for FUNC ------------------------------------
t0=$(date +%s%N)
start_tool "$TMP/out" threadsnoop -v || bail_out "threadsnoop starts" "$(cat "$TMP/out.err")"
"$TMP/tf_$u" -c '/bin/true; /bin/true'
"$TMP/spawn" "th_$u" "$TMP/a" 3
wait_for "$TMP/out" "th_$u" 5
sleep 0.3
stop_tool INT
check "stops with status 0" test $? = 0
ms=$((($(date +%s%N) - t0) / 1000000))
check_path "the best path: tp_btf, ring buffer, uprobe on pthread_create" "$TMP/out.err" \
	task_newtask=tp_btf pthread_create=uprobe buffer=ringbuf core=cut
check "header TIME(ms) PID COMM FUNC" grep -qE '^TIME\(ms\) +PID +COMM +FUNC$' "$TMP/out"
pid=$(head -n 1 "$TMP/a")
n=$(grep -cE "^[0-9]+ +$pid +th_$u +threadsnoop_marked_routine$" "$TMP/out")
check "3 threads: the creator's PID and name, FUNC the start routine's symbol" test "$n" = 3
if grep -q "tf_$u" "$TMP/out"; then fail "a fork is no thread" "shown"
else ok "a fork is no thread"; fi
bad=$(awk -v pid="$pid" -v ms="$ms" '$2 == pid && !($1 >= 0 && $1 <= ms)' "$TMP/out")
check "TIME(ms) counts from the start (0 to $ms ms)" test -z "$bad"

# --- raw_tp, no uprobe, --json, -c ---------------------------------------------
cgroot=$(findmnt -n -o TARGET -t cgroup2 | head -1)
cg=$cgroot/bpfscope-threadsnoop-$$
if [ -z "$cgroot" ] || ! mkdir "$cg" 2>/dev/null; then
	skip "--json, -c CGROUP, raw_tp" "no writable cgroup v2 hierarchy"
elif on_exit rmdir "$cg" &&
	BPFSCOPE_AVOID=tp_btf,uprobe start_tool "$TMP/out" threadsnoop --json -c "$cg" -v; then
	(echo $BASHPID >"$cg/cgroup.procs" && exec "$TMP/spawn" "th_$u" "$TMP/b" 2) &
	in=$!
	"$TMP/spawn" "tx_$u" "$TMP/c" 2 &
	out=$!
	wait "$in" "$out"
	wait_for "$TMP/out" "th_$u" 5
	sleep 0.3
	stop_tool INT
	check_path "BPFSCOPE_AVOID=tp_btf,uprobe: raw_tp, no uprobe" "$TMP/out.err" \
		task_newtask=raw_tp pthread_create=- buffer=ringbuf
	pid=$(head -n 1 "$TMP/b")
	got=$(jq -r --arg c "th_$u" 'select(.comm == $c) | "\(.pid) \(.func // "-") \(.tid)"' \
		"$TMP/out" | sort -n -k3 | awk '{ k = $1 " " $2; t = t $3 " " } END { print k " " t }')
	check "--json: the creator's PID, each new thread's TID, no func without the uprobe" \
		test "$got" = "$pid - $(tids "$TMP/b")"
	if grep -q "tx_$u" "$TMP/out"; then fail "-c CGROUP hides threads created outside" "shown"
	else ok "-c CGROUP hides threads created outside"; fi
else
	fail "threadsnoop --json -c starts" "$(cat "$TMP/out.err" 2>/dev/null)"
fi

# --- classic tracepoint, -p ----------------------------------------------------
# The target waits at a gate so that it is alive when -p checks it.
"$TMP/tg_$u" -c 'read -r _ <"$1"; exec "$2" "$3" "$4" 2' _ "$TMP/gate" "$TMP/spawn" "tp_$u" "$TMP/d" &
target=$!
if BPFSCOPE_AVOID=tp_btf,raw_tp,uprobe start_tool "$TMP/out" threadsnoop -p "$target" -v; then
	echo go >"$TMP/gate"
	"$TMP/spawn" "tx_$u" "$TMP/e" 2 &
	other=$!
	wait "$target" "$other"
	wait_for "$TMP/out" "tp_$u" 5
	sleep 0.3
	stop_tool INT
else
	fail "threadsnoop -p starts" "$(tail -n 2 "$TMP/out.err")"
	echo go >"$TMP/gate"
	wait "$target"
fi
check_path "BPFSCOPE_AVOID=tp_btf,raw_tp,uprobe: the classic tracepoint" "$TMP/out.err" \
	task_newtask=tracepoint
got=$(sed -n "s/^[0-9]* *$target *tp_$u *\[tid \([0-9]*\)\]\$/\1/p" "$TMP/out" | sort -n | tr '\n' ' ')
check "-p PID: FUNC without the uprobe shows each new TID ([tid N])" test "$got" = "$(tids "$TMP/d")"
if grep -q "tx_$u" "$TMP/out"; then fail "-p PID hides another process's threads" "shown"
else ok "-p PID hides another process's threads"; fi

# --- perf buffer, -u, -n --------------------------------------------------------
BPFSCOPE_AVOID=ringbuf start_tool "$TMP/out" threadsnoop -u 65534 -n "tn_$u" -v ||
	bail_out "threadsnoop -u -n starts" "$(cat "$TMP/out.err")"
run_as_nobody "$TMP/spawn" "tn_$u" /dev/null 1 &
a=$!
run_as_nobody "$TMP/spawn" "tx_$u" /dev/null 1 &
b=$!
"$TMP/spawn" "tn_$u" "$TMP/f" 1 &
c=$!
wait "$a" "$b" "$c"
wait_for "$TMP/out" "tn_$u" 5
sleep 0.3
stop_tool INT
check_path "BPFSCOPE_AVOID=ringbuf: the perf buffer" "$TMP/out.err" buffer=perfbuf
check "-u UID -n NAME: that user's named process" test "$(grep -c " tn_$u " "$TMP/out")" = 1
root_pid=$(head -n 1 "$TMP/f")
if grep -qE "^[0-9]+ +$root_pid " "$TMP/out"; then fail "-u UID hides root's threads" "shown"
else ok "-u UID hides root's threads"; fi
if grep -q "tx_$u" "$TMP/out"; then fail "-n NAME hides another name" "shown"
else ok "-n NAME hides another name"; fi

# --- -d ------------------------------------------------------------------------
t0=$(date +%s%N)
"$BIN/threadsnoop" -d 1 >/dev/null 2>"$TMP/d.err"
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
check "-d 1 ends by itself after about a second, status 0 ($ms ms)" test $rc = 0 -a $ms -ge 1000 -a $ms -lt 4000

#!/bin/bash
# capable: a marked program chowns a root-owned file as nobody (CAP_CHOWN
# denied) and as root (allowed); each check shows with its exact PID, UID,
# capability and verdict, with the kernel and user stacks asked for; the
# filters keep the marked process and drop a second marked one; every hook
# kind of this kernel, the perf buffer, --json, -u.
. "$(dirname "$0")/../lib.sh"

need jq setpriv
u=$RANDOM$RANDOM
cc -O1 -fno-omit-frame-pointer -o "$TMP/cd_$u" "$TOP/tests/integration/helpers/capable_chown.c" ||
	bail_out "the chown workload builds" "cc failed"
# The same program under other names: cd_ denied (nobody), ca_ allowed (root), cx_ left out.
cp "$TMP/cd_$u" "$TMP/ca_$u"
cp "$TMP/cd_$u" "$TMP/cx_$u"
file=$TMP/f_$u
: >"$file"
chmod 644 "$file"

# chown_as WHO NAME OUT N [GATE]: run the workload (PID and result in OUT).
chown_as() {
	local who=$1 name=$2 out=$3 n=$4
	shift 4
	if [ "$who" = nobody ]; then
		run_as_nobody "$TMP/$name" "$file" 65534 "$n" "${LIVE_MS:-300}" "$@" >"$out"
	else
		"$TMP/$name" "$file" 4242 "$n" "${LIVE_MS:-300}" "$@" >"$out"
	fi
}

# rows FILE PID: the CAP_CHOWN rows of process PID (text form).
rows() { awk -v pid="$2" '$3 == pid && $6 == 0' "$1"; }

# --- best path: tp_btf; -x columns, -K and -U stacks (-n: both marked names) ---
start_tool "$TMP/out" capable -v -x -K -U -n "_$u" || bail_out "capable starts" "$(cat "$TMP/out.err")"
# The workloads live on until capable has stopped: -U names user frames while
# their process runs, and a loaded machine may print late.
LIVE_MS=20000 chown_as nobody "cd_$u" "$TMP/d" 2 &
live1=$!
LIVE_MS=20000 chown_as root "ca_$u" "$TMP/a" 1 &
live2=$!
on_exit "pkill -P $live1; pkill -P $live2"
wait_for "$TMP/d" EPERM && wait_for "$TMP/a" '^0$'
wait_for "$TMP/out" "ca_$u"
sleep 0.2
stop_tool INT
rc=$?
pkill -P "$live1"
pkill -P "$live2"
wait "$live1" "$live2" 2>/dev/null
check "stops with status 0" test $rc = 0
check_path "the best path: tp_btf, ring buffer" "$TMP/out.err" cap_capable=tp_btf kinds=tp_btf \
	buffer=ringbuf
dpid=$(head -n 1 "$TMP/d") apid=$(head -n 1 "$TMP/a")
check "the workload: nobody's chown fails with EPERM, root's succeeds" \
	test "$(tail -n 1 "$TMP/d") $(tail -n 1 "$TMP/a") $(stat -c %u "$file")" = "EPERM 0 4242"
check "-x header: TIME UID PID TID COMM CAP NAME AUDIT VERDICT INSETID" \
	grep -qE '^TIME +UID +PID +TID +COMM +CAP +NAME +AUDIT +VERDICT +INSETID$' "$TMP/out"
re="^[0-2][0-9]:[0-5][0-9]:[0-5][0-9] +65534 +$dpid +$dpid +cd_$u +0 +CAP_CHOWN +- +deny +-\$"
check "nobody's chown: UID 65534, its PID and TID, CAP 0 CAP_CHOWN, deny (AUDIT/INSETID -: the tracepoint has no opts)" \
	test "$(grep -cE "$re" "$TMP/out")" = 2
re="^[0-9:]+ +0 +$apid +$apid +ca_$u +0 +CAP_CHOWN +- +allow +-\$"
check "root's chown: UID 0, its PID, CAP_CHOWN allow" grep -qE "$re" "$TMP/out"
# The lines under nobody's first CAP_CHOWN row, up to the next row.
awk -v pid="$dpid" '/^[0-9][0-9]:/ { if (on) exit; on = ($3 == pid && $6 == 0); next } on' \
	"$TMP/out" >"$TMP/stack"
check "-K: the kernel stack from cap_capable through chown_common to __x64_sys_chown" \
	test "$(head -n 1 "$TMP/stack" | tr -d ' ')" = cap_capable -a \
	"$(grep -cxE ' +(chown_common|__x64_sys_chown)' "$TMP/stack")" = 2
if [ "$(grep -cxE ' +(capable_marked_caller|main)' "$TMP/stack")" = 2 ]; then
	ok "-U: the user stack names the workload's capable_marked_caller and main"
else
	fail "-U: the user stack names the workload's capable_marked_caller and main" \
		"$(tr -s ' \n' ' ' <"$TMP/stack")"
fi

# --- raw_tp; --json, -K, --uid, -c, -u pid----------------------------------------
cgroot=$(findmnt -n -o TARGET -t cgroup2 | head -n 1)
cg=$cgroot/bpfscope-capable-$$
if [ -z "$cgroot" ] || ! mkdir "$cg" 2>/dev/null; then
	skip "--json --uid -c -u pid (raw_tp)" "no writable cgroup v2 hierarchy"
elif on_exit rmdir "$cg" &&
	BPFSCOPE_AVOID=tp_btf start_tool "$TMP/out" capable -v --json -K --uid 65534 -c "$cg" -u pid; then
	(echo $BASHPID >"$cg/cgroup.procs" && chown_as nobody "cd_$u" "$TMP/d1" 3) &
	in1=$!
	(echo $BASHPID >"$cg/cgroup.procs" && chown_as nobody "cd_$u" "$TMP/d2" 2) &
	in2=$!
	(echo $BASHPID >"$cg/cgroup.procs" && chown_as root "ca_$u" "$TMP/a" 1) &
	in3=$!
	chown_as nobody "cd_$u" "$TMP/d3" 1
	wait "$in1" "$in2" "$in3"
	sleep 0.4
	stop_tool INT
	check_path "BPFSCOPE_AVOID=tp_btf: raw_tp" "$TMP/out.err" cap_capable=raw_tp buffer=ringbuf
	got=$(jq -c --arg c "cd_$u" --arg a "ca_$u" 'select((.comm == $c or .comm == $a) and .cap == 0)
		| [.pid, .tid, .uid, .name, .verdict, .ret, has("audit"), has("insetid"), (.time | test("^[0-9]{2}:[0-9]{2}:[0-9]{2}$"))]' \
		"$TMP/out" | sort)
	d1=$(head -n 1 "$TMP/d1") d2=$(head -n 1 "$TMP/d2")
	want=$(printf '[%s,%s,65534,"CAP_CHOWN","deny",-1,false,false,true]\n' "$d1" "$d1" "$d2" "$d2" | sort)
	if [ "$got" = "$want" ]; then
		ok "--json -u pid --uid -c: one CAP_CHOWN denial per process of nobody in the cgroup, keys as typed"
	else
		fail "--json -u pid --uid -c: one CAP_CHOWN denial per process of nobody in the cgroup, keys as typed" \
			"got $(echo $got) want $(echo $want)"
	fi
	check "every line is a JSON object" jq -e 'type == "object"' "$TMP/out" >/dev/null
	n=$(jq --arg c "cd_$u" 'select(.comm == $c and .cap == 0 and .kernel_stack[-1] == "cap_capable"
		and (.kernel_stack | index("chown_common")) and (has("user_stack") | not))' "$TMP/out" |
		grep -c '"pid"')
	check "--json -K: kernel_stack outermost first, down to cap_capable through chown_common" test "$n" = 2
else
	fail "capable --json (raw_tp) starts" "$(tail -n 1 "$TMP/out.err")"
fi

# --- tracepoint, perf buffer; -p and -n ------------------------------------------
rm -f "$TMP/gate"
chown_as nobody "cd_$u" "$TMP/p1" 1 "$TMP/gate" &
w1=$!
chown_as nobody "cd_$u" "$TMP/p2" 1 "$TMP/gate" &
w2=$!
chown_as nobody "cx_$u" "$TMP/p3" 1 "$TMP/gate" &
w3=$!
wait_for "$TMP/p1" . && wait_for "$TMP/p2" . && wait_for "$TMP/p3" .
p1=$(head -n 1 "$TMP/p1") p2=$(head -n 1 "$TMP/p2") p3=$(head -n 1 "$TMP/p3")
if BPFSCOPE_AVOID=tp_btf,raw_tp,ringbuf start_tool "$TMP/out" capable -v -p "$p1,$p3" -n "cd_$u"; then
	touch "$TMP/gate"
	wait "$w1" "$w2" "$w3"
	sleep 0.4
	stop_tool INT
	check_path "BPFSCOPE_AVOID=tp_btf,raw_tp,ringbuf: classic tracepoint, perf buffer" \
		"$TMP/out.err" cap_capable=tracepoint buffer=perfbuf
	check "header without -x: TIME UID PID COMM CAP NAME AUDIT VERDICT" \
		grep -qE '^TIME +UID +PID +COMM +CAP +NAME +AUDIT +VERDICT$' "$TMP/out"
	check "-p -n: the listed process with the name is shown" \
		grep -qE "^[0-9:]+ +65534 +$p1 +cd_$u +0 +CAP_CHOWN +- +deny\$" "$TMP/out"
	check "-p drops a process not listed, -n a listed one with another name" \
		test -z "$(rows "$TMP/out" "$p2")$(rows "$TMP/out" "$p3")"
else
	touch "$TMP/gate"
	wait "$w1" "$w2" "$w3"
	fail "capable (tracepoint, perf buffer) starts" "$(tail -n 1 "$TMP/out.err")"
fi

# --- no hook left: one line naming what is missing --------------------------------
BPFSCOPE_AVOID=tp_btf,raw_tp,tracepoint,fexit,kprobe "$BIN/capable" >"$TMP/out" 2>"$TMP/out.err"
rc=$?
check "without a usable hook: status 1 and one line naming each hook's lack" \
	test $rc = 1 -a "$(wc -l <"$TMP/out.err")" = 1 -a -n "$(grep -E 'cannot trace capability checks.*fexit cap_capable.*kprobe cap_capable' "$TMP/out.err")"
check "bad -u TYPE: one-line usage error" \
	test "$("$BIN/capable" -u tid 2>&1 >/dev/null | wc -l)$("$BIN/capable" -u tid >/dev/null 2>&1; echo $?)" = 12

#!/bin/bash
# syscount: two marked processes (unique names) make exact, random numbers of
# getppid(), failing fchdir() (EBADF) and failing unlinkat() (ENOENT) calls,
# and one clock_nanosleep() of a known length; every option that changes the
# counts is checked against those numbers, by syscall and by process, with
# one syscount per option attached at once around one run of the workload.
. "$(dirname "$0")/../lib.sh"
need cc jq

[ -x "$BIN/syscount" ] || skip_all "bin/syscount is not built"
cc -O2 -o "$TMP/work" "$TOP/tests/integration/helpers/syscount_work.c" ||
	bail_out "syscount: build helper" "cc failed"

m=sc$$_$RANDOM	# comm prefix unique to this run (< 16 chars with the suffixes)
cp "$TMP/work" "$TMP/${m}a"
cp "$TMP/work" "$TMP/${m}b"
# a: GETPPIDS > FCHDIRS > UNLINKATS > 2 (the read and the sleep), all random.
n_a=$((1000 + RANDOM % 1000)) f_a=$((300 + RANDOM % 300)) u_a=$((100 + RANDOM % 100))
sleep_ms=$((250 + RANDOM % 100))
n_b=$((2000 + RANDOM % 1000)) f_b=$((50 + RANDOM % 40)) u_b=$((10 + RANDOM % 30))

# start_work NAME ARGS...: the marked process, blocked reading its fifo (held
# open here on a new fd, so its open does not block); sets WPID and WFD.
start_work() {
	local name=$1
	shift
	mkfifo "$TMP/$name.fifo"
	exec {WFD}<>"$TMP/$name.fifo"
	"$TMP/$name" "$@" <&$WFD >"$TMP/$name.out" &
	WPID=$!
	on_exit "kill -9 $WPID"
	wait_for "$TMP/$name.out" '^ready$' 5 || bail_out "syscount: $name" "helper not ready"
}
start_work "${m}a" $n_a $f_a $u_a $sleep_ms
pid_a=$WPID fd_a=$WFD
start_work "${m}b" $n_b $f_b $u_b 1
pid_b=$WPID fd_b=$WFD

# b runs in a cgroup of its own, for -c.
cg=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)/bpfscope_$m
if [ "$cg" != "/bpfscope_$m" ] && mkdir "$cg" 2>/dev/null; then
	on_exit "rmdir $cg"
	echo "$pid_b" >"$cg/cgroup.procs" || cg=
else
	cg=
fi

# One syscount per option, all attached before the workload runs.
runs=()
tools=()
# run NAME ARGS...: start syscount ARGS with its output in $TMP/NAME.
run() {
	local name=$1
	shift
	if start_tool "$TMP/$name" syscount "$@"; then
		runs+=("$name")
		tools+=("$TOOL_PID")
	else
		fail "syscount $*: starts" "$(head -c 300 "$TMP/$name.err")"
	fi
}
run p -p "$pid_a"
run t -t "$pid_b"
run x -x -p "$pid_a"
run ebadf -e EBADF -p "$pid_a"
run enoent -e 2 -p "$pid_a"
run lat -v -L -p "$pid_a"
run latms -L -m -p "$pid_a"
run top -T 2 -p "$pid_a"
run name -n "${m}a"
run procs -P -n "$m"
run procsx -P -x -n "$m"
run json --json -L -p "$pid_a"
[ -n "$cg" ] && run cg -c "$cg"
BPFSCOPE_AVOID=tp_btf run raw -v -L -p "$pid_a"
BPFSCOPE_AVOID=tp_btf,raw_tp run tp -v -L -p "$pid_a"
BPFSCOPE_AVOID=task_storage run nots -v -L -p "$pid_a"
timeout 10 "$BIN/syscount" -i 1 -d 2 -p "$pid_a" >"$TMP/int" 2>"$TMP/int.err" &
int_pid=$!

echo g >&$fd_a
echo g >&$fd_b
wait "$pid_a" "$pid_b"
for i in "${!tools[@]}"; do
	TOOL_PID=${tools[$i]}
	stop_tool INT || fail "syscount ${runs[$i]}: exit status" "$? $(head -c 300 "$TMP/${runs[$i]}.err")"
done

# count FILE NAME: the COUNT of row NAME (a syscall, or a PID with -P).
count() { awk -v k="$2" '$1 == k { print ($1 ~ /^[0-9]+$/) ? $3 : $2; exit }' "$1"; }
# usecs FILE NAME: its TIME column.
usecs() { awk -v k="$2" '$1 == k { print $NF; exit }' "$1"; }
# rows FILE: the rows of the summary (after the header).
rows() { awk 'p { print } /^(SYSCALL|PID) / { p = 1 }' "$1"; }

# expect NAME FILE "ROW=COUNT ..." [ABSENT...]: each row has exactly its count.
expect() {
	local name=$1 file=$2 want=$3 bad= kv k
	shift 3
	for kv in $want; do
		k=${kv%=*}
		[ "$(count "$file" "$k")" = "${kv#*=}" ] || bad="$bad $k=$(count "$file" "$k") (want ${kv#*=})"
	done
	for k in "$@"; do
		[ -z "$(count "$file" "$k")" ] || bad="$bad $k shown"
	done
	if [ -z "$bad" ]; then ok "syscount $name"
	else fail "syscount $name" "${bad# }: $(head -c 400 "$file" | tr '\n' '|')"; fi
}

expect "-p PID: exact counts of that process's calls" "$TMP/p" \
	"getppid=$n_a fchdir=$f_a unlinkat=$u_a clock_nanosleep=1"
expect "-t TID: exact counts of the other process only" "$TMP/t" \
	"getppid=$n_b fchdir=$f_b unlinkat=$u_b"
expect "-x: failed calls only" "$TMP/x" "fchdir=$f_a unlinkat=$u_a" getppid clock_nanosleep
expect "-e EBADF: the calls that failed with EBADF only" "$TMP/ebadf" "fchdir=$f_a" unlinkat getppid
expect "-e 2: the calls that failed with ENOENT only" "$TMP/enoent" "unlinkat=$u_a" fchdir getppid
expect "-n NAME: that command only" "$TMP/name" "getppid=$n_a fchdir=$f_a"
expect "-P -n: a row per process with its exact total" "$TMP/procs" \
	"$pid_a=$((n_a + f_a + u_a + 2)) $pid_b=$((n_b + f_b + u_b + 2))"
expect "-P -x: failed calls per process" "$TMP/procsx" "$pid_a=$((f_a + u_a)) $pid_b=$((f_b + u_b))"
if grep -qE "^$pid_a +${m}a +[0-9]+\$" "$TMP/procs" && grep -qE '^PID +COMM +COUNT$' "$TMP/procs"; then
	ok "syscount -P: PID COMM COUNT columns, the process named"
else
	fail "syscount -P: PID COMM COUNT columns" "$(head -c 400 "$TMP/procs")"
fi
if [ -n "$cg" ]; then expect "-c CGROUP: the process in it only" "$TMP/cg" "getppid=$n_b fchdir=$f_b"
else skip "syscount -c CGROUP" "cannot make a cgroup v2 directory"; fi

# -L: the same counts, and the sleep's time in its column (us, or ms with -m).
for r in lat raw tp; do
	expect "-L ($(kinds_taken "$TMP/$r.err")): exact counts" "$TMP/$r" \
		"getppid=$n_a fchdir=$f_a unlinkat=$u_a clock_nanosleep=1"
done
us=$(usecs "$TMP/lat" clock_nanosleep)
ms=$(usecs "$TMP/latms" clock_nanosleep)
if grep -qE '^SYSCALL +COUNT +TIME \(us\)$' "$TMP/lat" &&
	awk -v t="$us" -v s="$sleep_ms" 'BEGIN { exit !(t >= s * 1000 && t < (s + 200) * 1000) }' &&
	awk -v t="$ms" -v s="$sleep_ms" 'BEGIN { exit !(t >= s && t < s + 200) }' &&
	grep -qE '^SYSCALL +COUNT +TIME \(ms\)$' "$TMP/latms"; then
	ok "syscount -L: a ${sleep_ms} ms sleep takes $us us (-m: $ms ms)"
else
	fail "syscount -L: the sleep's time" "$us us, $ms ms for ${sleep_ms} ms: $(head -c 300 "$TMP/lat")"
fi
t_getppid=$(usecs "$TMP/lat" getppid)
if awk -v t="$t_getppid" -v n="$n_a" 'BEGIN { exit !(t > 0 && t < n * 100) }'; then
	ok "syscount -L: $n_a getppid() calls take $t_getppid us in all, more than 0"
else
	fail "syscount -L: getppid time" "$t_getppid us for $n_a calls"
fi
# Sorted by time: the sleep first.
check "syscount -L: rows sorted by time" test "$(rows "$TMP/lat" | head -1 | awk '{ print $1 }')" = clock_nanosleep
check_path "syscount: the best hooks are tp_btf, no event buffer" "$TMP/lat.err" \
	kinds=tp_btf sys_enter=tp_btf sys_exit=tp_btf buffer=none core=cut
check_path "syscount: BPFSCOPE_AVOID=tp_btf takes raw_tp" "$TMP/raw.err" \
	kinds=raw_tp sys_enter=raw_tp sys_exit=raw_tp
check_path "syscount -L: without task storage, raw_tp" "$TMP/nots.err" \
	kinds=raw_tp sys_enter=raw_tp sys_exit=raw_tp
check_path "syscount: BPFSCOPE_AVOID=tp_btf,raw_tp takes the tracepoints" "$TMP/tp.err" \
	kinds=tracepoint sys_enter=tracepoint sys_exit=tracepoint

# -T 2: the two biggest counts only.
if [ "$(rows "$TMP/top" | awk '{ print $1 "=" $2 }' | tr '\n' ' ')" = "getppid=$n_a fchdir=$f_a " ]; then
	ok "syscount -T 2: the top two rows only"
else
	fail "syscount -T 2: the top two rows only" "$(rows "$TMP/top" | tr '\n' '|')"
fi
check "syscount: sorted by count, the header SYSCALL COUNT" \
	test "$(sed -n '/^SYSCALL/,$p' "$TMP/p" | awk 'NR <= 4 { print $1 }' | tr '\n' ' ')" = \
	"SYSCALL getppid fchdir unlinkat "

# --json: one object, the rows with their numbers.
if [ "$(wc -l <"$TMP/json")" = 1 ] && jq -e --argjson n "$n_a" --argjson f "$f_a" --argjson s "$sleep_ms" '
	(.time | test("^[0-9]{2}:[0-9]{2}:[0-9]{2}$")) and
	([.syscalls[] | select(.syscall == "getppid")][0].count == $n) and
	([.syscalls[] | select(.syscall == "fchdir")][0].count == $f) and
	([.syscalls[] | select(.syscall == "clock_nanosleep")][0] |
		.count == 1 and .time_us >= $s * 1000 and .time_us < ($s + 200) * 1000)' \
	"$TMP/json" >/dev/null; then
	ok "syscount --json: one object with the exact counts and the sleep's time"
else
	fail "syscount --json" "$(head -c 400 "$TMP/json")"
fi

# -i 1 -d 2: two timed summaries, then it exits by itself.
wait "$int_pid"
rc=$?
if [ $rc = 0 ] && [ "$(grep -cE '^\[[0-9]{2}:[0-9]{2}:[0-9]{2}\]$' "$TMP/int")" = 2 ] &&
	[ "$(grep -c '^SYSCALL ' "$TMP/int")" = 2 ]; then
	ok "syscount -i 1 -d 2: two summaries, each after its time"
else
	fail "syscount -i 1 -d 2" "status $rc: $(head -c 300 "$TMP/int") $(cat "$TMP/int.err")"
fi

# -l: the names by number, as the C library's headers number them (no root needed).
nr=$(echo '#include <sys/syscall.h>' | cc -E -dM - | awk '$2 == "__NR_getppid" { print $3 }')
if run_as_nobody "$BIN/syscount" -l >"$TMP/list" 2>&1 && grep -qE "^ *$nr: getppid\$" "$TMP/list" &&
	[ "$(wc -l <"$TMP/list")" -gt 300 ]; then
	ok "syscount -l lists the syscalls ($nr: getppid)"
else
	fail "syscount -l" "$(head -c 200 "$TMP/list")"
fi

# Bad values: one line, status 2.
for args in "-e EBOGUS" "-e 0" "-T 0" "-i x" "-i -1"; do
	"$BIN/syscount" $args >/dev/null 2>"$TMP/e"
	rc=$?
	if [ $rc = 2 ] && [ "$(wc -l <"$TMP/e")" = 1 ] && grep -q '^syscount: ' "$TMP/e"; then
		ok "syscount $args: one-line error"
	else
		fail "syscount $args: one-line error" "status $rc: $(cat "$TMP/e")"
	fi
done

# Without any usable hook: one line naming what each alternative lacks, status 1.
BPFSCOPE_AVOID=tp_btf,raw_tp,tracepoint "$BIN/syscount" -L >"$TMP/o" 2>"$TMP/e"
rc=$?
if [ $rc = 1 ] && [ "$(wc -l <"$TMP/e")" = 1 ] && grep -q '^syscount: cannot trace sys_' "$TMP/e" &&
	grep -q 'raw_tp' "$TMP/e" && grep -q 'tracepoint' "$TMP/e"; then
	ok "syscount: no usable hook is a one-line error"
else
	fail "syscount: no usable hook is a one-line error" "rc=$rc: $(cat "$TMP/e")"
fi

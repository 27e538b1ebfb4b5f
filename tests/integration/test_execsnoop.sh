#!/bin/bash
# execsnoop: a uniquely named program run by the test appears with its
# arguments, PID and parent; failed execs appear only with -x.
. "$(dirname "$0")/../lib.sh"

m=$(marker exec)
prog=$TMP/${m:0:15}
cp /bin/true "$prog"

# run_marked: exec the marked program with marker arguments from a subshell
# that records its own PID (the exec keeps it) and its parent's.
run_marked() {
	bash -c 'echo "$$ $PPID" > "$1"; exec "$2" "$3" "second arg"' _ "$TMP/pids" "$prog" "$m"
}

start_tool "$TMP/out" execsnoop || bail_out "execsnoop starts" "$(cat "$TMP/out.err")"
run_marked
read -r pid ppid <"$TMP/pids"
"$TMP/${m}_missing" "$m-failed" 2>/dev/null
wait_for "$TMP/out" "$m"
sleep 0.3
stop_tool INT
line=$(grep -F -- "$prog $m second arg" "$TMP/out")
if [ -n "$line" ]; then ok "exec of a unique program is shown with its arguments"
else fail "exec of a unique program is shown with its arguments" "$(tail -5 "$TMP/out")"; fi
read -r comm lpid lppid ret _ <<<"$line"
check "PID, PPID, RET and COMM are right" test "$lpid $lppid $ret $comm" = "$pid $ppid 0 ${m:0:15}"
check "header has PCOMM PID PPID RET ARGS" grep -qE '^PCOMM +PID +PPID +RET ARGS' "$TMP/out"
if grep -qF -- "$m-failed" "$TMP/out"; then fail "failed exec hidden without -x" "shown"
else ok "failed exec hidden without -x"; fi

start_tool "$TMP/out" execsnoop -x -U -T -q --max-args 2 || bail_out "execsnoop -x starts" "$(cat "$TMP/out.err")"
"$TMP/${m}_missing" "$m-failed" 2>/dev/null
run_marked
wait_for "$TMP/out" "\"$m\""
sleep 0.3
stop_tool INT
check "-x shows a failed exec with RET -2 (ENOENT)" \
	grep -qE -- " -2 \"$TMP/${m}_missing\" \"$m-failed\"" "$TMP/out"
check "-U adds a UID column, -T a time column" grep -qE '^TIME +UID +PCOMM' "$TMP/out"
check "-q quotes and --max-args truncates with ..." grep -qF -- "\"$prog\" \"$m\" ..." "$TMP/out"

start_tool "$TMP/out" execsnoop -n "${m:0:10}" -l "$m" || bail_out "execsnoop -n starts" "$(cat "$TMP/out.err")"
run_marked
/bin/echo "$m" >/dev/null
wait_for "$TMP/out" "$m"
sleep 0.3
stop_tool INT
check "-n NAME and -l LINE keep the matching exec" grep -qF -- "$prog $m" "$TMP/out"
if grep -q '^echo ' "$TMP/out"; then fail "-n NAME drops other commands" "$(cat "$TMP/out")"
else ok "-n NAME drops other commands"; fi

uid=65534
start_tool "$TMP/out" execsnoop -u $uid || bail_out "execsnoop -u starts" "$(cat "$TMP/out.err")"
run_as_nobody "$prog" "$m-nobody"
run_marked
wait_for "$TMP/out" "$m-nobody"
sleep 0.3
stop_tool INT
check "-u UID shows that user's exec" grep -qF -- "$m-nobody" "$TMP/out"
if grep -qF -- "$m second" "$TMP/out"; then fail "-u UID hides root's exec" "shown"
else ok "-u UID hides root's exec"; fi

start_tool "$TMP/out" execsnoop --json || bail_out "execsnoop --json starts" "$(cat "$TMP/out.err")"
run_marked
read -r pid ppid <"$TMP/pids"
wait_for "$TMP/out" "$m"
sleep 0.3
stop_tool INT
if python3 - "$TMP/out" "$m" "$pid" "$prog" <<'PY'
import json, sys
path, m, pid, prog = sys.argv[1:]
events = [json.loads(l) for l in open(path)]
hit = [e for e in events if e["args"][:2] == [prog, m]]
assert hit, "no event"
e = hit[0]
assert e["pid"] == int(pid) and e["ret"] == 0, e
assert e["args"] == [prog, m, "second arg"], e["args"]
PY
then ok "--json: one valid object per exec with args as a list"
else fail "--json: one valid object per exec with args as a list" "$(head -3 "$TMP/out")"; fi

ctl=$(printf 'a\033[31mred\tb')
start_tool "$TMP/out" execsnoop || bail_out "execsnoop starts" "$(cat "$TMP/out.err")"
"$prog" "$m" "$ctl"
wait_for "$TMP/out" "$m"
sleep 0.3
stop_tool INT
if grep -qF -- "$m a\\x1b[31mred\\x09b" "$TMP/out" && ! grep -q $'\033' "$TMP/out"; then
	ok "control bytes in arguments are escaped"
else
	fail "control bytes in arguments are escaped" "$(grep -a "$m" "$TMP/out" | od -c | head -5)"
fi

BPFSCOPE_AVOID=ringbuf start_tool "$TMP/out" execsnoop -v ||
	bail_out "perf buffer path starts" "$(cat "$TMP/out.err")"
run_marked
wait_for "$TMP/out" "$m"
sleep 0.3
stop_tool INT
check_path "BPFSCOPE_AVOID=ringbuf takes the perf buffer" "$TMP/out.err" buffer=perfbuf kinds=tracepoint
check "perf buffer path (BPFSCOPE_AVOID=ringbuf) shows the exec" grep -qF -- "$prog $m second arg" "$TMP/out"

# execveat (here through fexecve) is traced too; without syscall tracepoints
# (forced with BPFSCOPE_AVOID=tracepoint) raw_syscalls carries both execs.
run_execveat() {
	python3 -c 'import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
os.execve(fd, [sys.argv[1], sys.argv[2]], {})' "$prog" "$m-at"
}
for avoid in "" tracepoint; do
	via=${avoid:+ (raw_syscalls)}
	if ! BPFSCOPE_AVOID=$avoid start_tool "$TMP/out" execsnoop -v -x; then
		fail "execsnoop$via starts" "$(tail -n 1 "$TMP/out.err")"
		continue
	fi
	run_marked
	read -r pid ppid <"$TMP/pids"
	run_execveat
	python3 -c 'import os, sys
os.execve("", [sys.argv[1] + "-argv0", sys.argv[1] + "-empty"], {})' "$m" 2>/dev/null
	"$TMP/${m}_missing" "$m-failed" 2>/dev/null
	wait_for "$TMP/out" "$m-failed"
	sleep 0.3
	stop_tool INT
	check "-x$via: execve with an empty path shows it empty, not argv[0]" \
		grep -qE -- " -2  $m-empty\$" "$TMP/out"
	if [ -n "$avoid" ]; then
		check_path "without syscall tracepoints execs are traced through raw_syscalls" \
			"$TMP/out.err" kinds=raw_tp sys_enter=raw_tp sys_exit=raw_tp buffer=ringbuf
	else
		check_path "the best path: syscall tracepoints, ring buffer, CO-RE against the cut BTF" \
			"$TMP/out.err" kinds=tracepoint sys_enter_execve=tracepoint \
			sys_exit_execveat=tracepoint buffer=ringbuf core=cut
	fi
	check "exec$via: PID, PPID, RET and arguments" \
		grep -qE -- "^${m:0:15} +$pid +$ppid +0 $prog $m second arg\$" "$TMP/out"
	check "execveat$via (fexecve: no path) is shown with argv[0] and its arguments" \
		grep -qE -- " 0 $prog $m-at\$" "$TMP/out"
	check "-x$via shows a failed exec" grep -qE -- " -2 $TMP/${m}_missing $m-failed\$" "$TMP/out"
done

out=$("$BIN/execsnoop" --max-args 0 2>&1)
check "--max-args 0 is rejected in one line" test "$(wc -l <<<"$out")" = 1 -a -n "$(grep 'max-args' <<<"$out")"
out=$("$BIN/execsnoop" -u no_such_user_xyz 2>&1)
check "-u with an unknown user is rejected" grep -q "no such user" <<<"$out"

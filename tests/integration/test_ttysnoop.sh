#!/bin/bash
# ttysnoop: a copy of a script with a unique name opens two pseudo-terminals
# and writes known lines to the first (write(), writev(), a child's write
# through /dev/tty, a 1000-byte run) and one to the second: the first's lines
# are shown with control bytes escaped, the second's not; -p keeps one
# process; -s/-c cut a write into pieces; --json; the raw_syscalls fallback.
# common-args: /dev/null
. "$(dirname "$0")/../lib.sh"
need python3 jq

prog=tty$RANDOM
cp "$TOP/tests/integration/helpers/ttysnoop_pty.py" "$TMP/$prog"

# run NAME ARGS...: start the writer, ttysnoop ARGS (@PTS: its first
# terminal, @N: that terminal's number, @PID: the writer) until it is done.
run() {
	local name=$1 args=() a
	shift
	m=$(marker tty)
	GO=$TMP/go.$RANDOM
	rm -f "$TMP/info"
	"$TMP/$prog" "$TMP/info" "$GO" "$m" >"$TMP/child" 2>"$TMP/prog.err" &
	W=$!
	while [ ! -s "$TMP/info" ] && kill -0 $W 2>/dev/null; do sleep 0.02; done
	read -r WPID PTS PTS2 <"$TMP/info"
	for a in "$@"; do
		a=${a//@PTS/$PTS}
		a=${a//@N/${PTS#/dev/pts/}}
		args+=("${a//@PID/$WPID}")
	done
	if ! start_tool "$TMP/$name" ttysnoop "${args[@]}"; then
		touch "$GO"
		wait $W
		fail "ttysnoop $name starts" "$(head -c 300 "$TMP/$name.err")"
		return 1
	fi
	touch "$GO"
	wait $W || fail "ttysnoop $name: the writer" "$(head -c 300 "$TMP/prog.err")"
	sleep 0.2
	stop_tool INT || { fail "ttysnoop $name stops with status 0" "$(tail -n 2 "$TMP/$name.err")"; return 1; }
}

if run text -v -C @PTS; then
	check_path "write calls via their entry tracepoints" "$TMP/text.err" \
		kinds=tracepoint sys_enter_write=tracepoint sys_enter_writev=tracepoint tty_write=-
	check "write(): the line, control bytes escaped" \
		grep -qxF -- "$m hello \\x1b[31mred\\x1b[0m\\x09tab" "$TMP/text"
	check "no raw control byte reaches the output" test "$(tr -d '\n' <"$TMP/text" | tr -d '[:print:]' | wc -c)" = 0
	check "writev(): both segments" grep -qxF -- "$m-vec1 vec2" "$TMP/text"
	check "a child's write through /dev/tty (its controlling terminal)" \
		grep -qxF -- "$m-child via /dev/tty" "$TMP/text"
	check "a 1000-byte write, whole (4 pieces of 256)" grep -qxE 'B{1000}' "$TMP/text"
	if grep -qF -- "$m-other" "$TMP/text"; then fail "the other terminal's line is not shown" "shown"
	else ok "the other terminal's line is not shown"; fi
fi

if run json --json -s 100 -c 3 -p @PID @N; then
	if python3 - "$TMP/json" "$m" "$WPID" "$prog" <<'PY'
import json, sys
path, m, pid, prog = sys.argv[1:]
ev = [json.loads(l) for l in open(path)]
assert ev and all(e["pid"] == int(pid) and e["comm"] == prog for e in ev), ev[:3]
line = m + " hello \x1b[31mred\x1b[0m\ttab\n"
assert any(e["data"] == line and e["len"] == len(line) for e in ev), [e["data"] for e in ev]
bs = [e for e in ev if e["data"].startswith("BBB")]
assert [e["len"] for e in bs] == [100, 100, 100] and all(set(e["data"]) == {"B"} for e in bs), bs
assert not any("child" in e["data"] for e in ev), "-p: the child's write is shown"
PY
	then ok "--json -s 100 -c 3 -p PID N: the writer's events, exact data; 3 pieces of 100 bytes; no child"
	else fail "--json -s 100 -c 3 -p PID N: the writer's events, exact data; 3 pieces of 100 bytes; no child" \
		"$(head -c 400 "$TMP/json")"; fi
fi

if BPFSCOPE_AVOID=tracepoint run raw -v -C @PTS; then
	check_path "BPFSCOPE_AVOID=tracepoint: raw_syscalls sys_enter" "$TMP/raw.err" kinds=raw_tp sys_enter=raw_tp
	check "raw_syscalls: write(), writev() and /dev/tty lines" eval \
		"grep -qxF -- '$m-vec1 vec2' '$TMP/raw' && grep -qxF -- '$m-child via /dev/tty' '$TMP/raw' &&
		 grep -qF -- '$m hello \\x1b[31m' '$TMP/raw' && ! grep -qF -- '$m-other' '$TMP/raw'"
fi

"$BIN/ttysnoop" "/dev/nonexistent$RANDOM" >"$TMP/bad" 2>&1
rc=$?
check "a missing device: one line, status 2" eval "[ $rc = 2 ] && [ \$(wc -l <'$TMP/bad') = 1 ]"
"$BIN/ttysnoop" "$TMP/$prog" >"$TMP/bad" 2>&1
rc=$?
check "a regular file is not a terminal: status 2" eval "[ $rc = 2 ] && grep -q 'not a character device' '$TMP/bad'"

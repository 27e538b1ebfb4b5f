#!/bin/bash
# bashreadline: lines typed into an interactive bash on a pseudo-terminal
# (a link to bash with a unique name) show with that shell's PID, exactly;
# control bytes typed in (Ctrl-V ESC) are escaped; -p keeps the marked shell
# and drops a second; --json and the perf buffer.
. "$(dirname "$0")/../lib.sh"

need python3 jq
u=$RANDOM$RANDOM
bash_path=$(command -v bash)
ln -s "$bash_path" "$TMP/sh_$u"
ln -s "$bash_path" "$TMP/sx_$u"
typed() { python3 "$TOP/tests/integration/helpers/bashreadline_pty.py" "$@"; }

# --- text, ring buffer ----------------------------------------------------------------------
start_tool "$TMP/out" bashreadline -v || bail_out "bashreadline starts" "$(cat "$TMP/out.err")"
line1="echo one_$u \"two  spaces\" | cat >/dev/null"
line2=": ctl_$u "$'\x16\x1b''[31mred'$'\x16\x01'
typed "$TMP/pid" "$TMP/sh_$u" "$line1" "$line2"
check "the shell on the pty ran the lines and exited 0" test $? = 0
wait_for "$TMP/out" "exit 0" 5
sleep 0.2
stop_tool INT
check "stops with status 0" test $? = 0
pid=$(cat "$TMP/pid")
check_path "a uretprobe on readline, ring buffer" "$TMP/out.err" readline=uretprobe \
	buffer=ringbuf core=cut
check "header TIME PID COMMAND" grep -qE '^TIME +PID +COMMAND$' "$TMP/out"
check "the typed line, exactly, with the shell's PID and the time of day" \
	grep -qxE "[0-9]{2}:[0-9]{2}:[0-9]{2} +$pid +echo one_$u \"two  spaces\" \\| cat >/dev/null" "$TMP/out"
# COMMAND: what follows TIME (9 columns) and PID (7), each with its separator.
command_of() { grep -E "^[0-9:]{8} +$1 " "$TMP/out" | sed -E 's/^.{9} .{7} //'; }
if command_of "$pid" | grep -qxF -- ": ctl_$u \\x1b[31mred\\x01" && ! grep -q $'\033' "$TMP/out"; then
	ok "control bytes typed in (ESC, ^A) are escaped"
else
	fail "control bytes typed in (ESC, ^A) are escaped" "$(grep -a "ctl_$u" "$TMP/out" | od -c | head -4)"
fi
check "three lines from the shell, the last its exit" \
	test "$(command_of "$pid" | wc -l) $(command_of "$pid" | tail -n 1)" = "3 exit 0"
check "TIME is 9 columns wide, as upstream's" grep -qE '^TIME      PID     COMMAND$' "$TMP/out"

# --- -p, --json, perf buffer --------------------------------------------------------------
# The target shell is started on its pty first and waits until the tool is attached.
mkfifo "$TMP/gate"
typed "$TMP/ptarget" "$TMP/sh_$u" ": gate_wait \$(cat $TMP/gate)" "echo picked_$u" &
typer=$!
for ((i = 0; i < 100; i++)); do
	[ -s "$TMP/ptarget" ] && break
	sleep 0.05
done
target=$(cat "$TMP/ptarget")
if [ -n "$target" ] && BPFSCOPE_AVOID=ringbuf start_tool "$TMP/out" bashreadline -v --json -p "$target"; then
	typed "$TMP/pid" "$TMP/sx_$u" "echo other_$u"
	echo go >"$TMP/gate"
	wait "$typer"
	wait_for "$TMP/out" "picked_$u" 5
	sleep 0.2
	stop_tool INT
else
	fail "bashreadline -p starts" "target ${target:-none}: $(cat "$TMP/out.err")"
	echo go >"$TMP/gate"
	wait "$typer"
fi
check_path "BPFSCOPE_AVOID=ringbuf: the perf buffer" "$TMP/out.err" buffer=perfbuf readline=uretprobe
got=$(jq -r '"\(.pid) \(.comm) \(.command) \(.truncated)"' "$TMP/out" 2>&1 | grep "picked_$u")
check "--json -p: the shell's line with its PID and name" test "$got" = "$target sh_$u echo picked_$u false"
if grep -q "other_$u" "$TMP/out"; then fail "-p PID drops another shell" "shown"
else ok "-p PID drops another shell"; fi

# --- -s and bad input ------------------------------------------------------------------------
out=$("$BIN/bashreadline" -s "/nonexistent/libreadline-$u.so" 2>&1)
check "-s of a missing library: status 1, one line naming it" \
	test $? = 1 -a "$(wc -l <<<"$out")" = 1 -a -n "$(grep -F "libreadline-$u" <<<"$out")"
out=$("$BIN/bashreadline" -s /bin/true 2>&1)
check "-s of a file without readline(): status 1, one line" test $? = 1 -a "$(wc -l <<<"$out")" = 1

#!/bin/bash
# dcsnoop: dcache lookups have no tracepoint, only fentry/fexit or kprobes on
# lookup_fast and d_lookup.  Where the kernel has neither (this development
# machine), one line names what is missing, with -a too, and the status is 1;
# where it has them, a miss on a unique name is shown with its PID.  The guest
# tests (tests/vm/guest/test_dcsnoop.sh) run both hook kinds, -a, -p and
# --json on Debian's 6.1 and 6.12.
. "$(dirname "$0")/../lib.sh"

"$BIN/dcsnoop" -p 0 >/dev/null 2>"$TMP/e"
check "-p 0 is a one-line error" test $? != 0 -a "$(wc -l <"$TMP/e")" = 1
"$BIN/dcsnoop" -a -a -x >/dev/null 2>"$TMP/e"
check "an unknown option is a one-line error" test $? != 0 -a "$(wc -l <"$TMP/e")" = 1

m=$(marker dcsnoop)
if start_tool "$TMP/out" dcsnoop --json; then
	bash -c 'echo $$ >"$1"; true 2>/dev/null <"$2"' _ "$TMP/pid" "$TMP/$m.miss"
	wait_for "$TMP/out" "$m.miss"
	stop_tool INT
	check "a miss on a unique name, with its PID (--json)" jq -e --arg f "$m.miss" \
		--argjson p "$(cat "$TMP/pid")" 'select(.file == $f) | select(.pid == $p and .type == "M")' "$TMP/out"
else
	for args in "" "-a"; do
		"$BIN/dcsnoop" $args >"$TMP/o" 2>"$TMP/e"
		rc=$?
		if [ $rc = 1 ] && [ "$(wc -l <"$TMP/e")" = 1 ] && [ ! -s "$TMP/o" ] &&
			grep -qE '^dcsnoop: this machine has no hook for dcache lookups: fexit d_lookup: .+; kprobe d_lookup: .+' "$TMP/e"; then
			ok "dcsnoop $args: no fentry, no kprobes: one line naming both, status 1"
		else
			fail "dcsnoop $args: no fentry, no kprobes: one line naming both, status 1" "rc=$rc $(cat "$TMP/e")"
		fi
	done
fi

#!/bin/bash
# vfscount: the vfs_* functions have no tracepoint, only fentry or kprobes.
# Where the kernel has neither (this development machine), one line names
# what is missing and the status is 1; where it has them, a marked process's
# writes and reads are counted at vfs_write and vfs_read.  The guest tests
# (tests/vm/guest/test_vfscount.sh) run kprobe.multi, per-function kprobes
# and fentry on Debian's 6.1 and 6.12.
. "$(dirname "$0")/../lib.sh"

"$BIN/vfscount" 0 >/dev/null 2>"$TMP/e"
check "a zero duration is a one-line error" test $? != 0 -a "$(wc -l <"$TMP/e")" = 1
"$BIN/vfscount" 1 2 >/dev/null 2>"$TMP/e"
check "a second positional argument is a one-line error" test $? != 0 -a "$(wc -l <"$TMP/e")" = 1

if start_tool "$TMP/out" vfscount --json; then
	n=$((RANDOM % 20 + 10))
	bash -c 'echo $$ >"$1"; for ((i = 0; i < $3; i++)); do echo x >"$2"; done' _ "$TMP/pid" "$TMP/f" $n
	stop_tool INT
	got=$(jq -r '.funcs[] | select(.func == "vfs_write") | .count' "$TMP/out")
	check "vfs_write counted at least $n times" test "${got:-0}" -ge $n
else
	err=$(cat "$TMP/out.err")
	if [ "$(wc -l <"$TMP/out.err")" = 1 ] && [ ! -s "$TMP/out" ] &&
		grep -qE '^vfscount: this machine has no hook for the VFS functions: kprobe vfs_read: .+; fentry vfs_read: .+' <<<"$err"; then
		ok "no fentry, no kprobes: one line naming both, nothing on stdout"
	else
		fail "no fentry, no kprobes: one line naming both, nothing on stdout" "$err"
	fi
	"$BIN/vfscount" 5 >/dev/null 2>&1
	check "the status is 1" test $? = 1
fi

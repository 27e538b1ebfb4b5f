#!/bin/bash
# Helpers for integration tests.  A test file is a bash script that sources this
# file and prints one line per check: "ok - NAME", "not ok - NAME: why" or
# "skip - NAME: why".  tests/run.sh counts those lines.

TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
BIN=${BIN:-$TOP/bin}
TMP=$(mktemp -d /tmp/bpfscope-test.XXXXXX)
chmod 755 "$TMP"
TOOL_PID=
trap 'cleanup_test' EXIT

# Extra clean-up steps a test registers (commands, run in reverse order).
CLEANUPS=()
on_exit() { CLEANUPS+=("$*"); }

cleanup_test() {
	local i
	[ -n "$TOOL_PID" ] && kill -KILL "$TOOL_PID" 2>/dev/null
	for ((i = ${#CLEANUPS[@]} - 1; i >= 0; i--)); do
		eval "${CLEANUPS[$i]}" >/dev/null 2>&1
	done
	rm -rf "$TMP"
}

ok() { echo "ok - $1"; }
fail() { echo "not ok - $1: $2"; }
skip() { echo "skip - $1: $2"; }

# check NAME COMMAND...: ok if the command succeeds.
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else fail "$name" "failed: $*"; fi
}

# start_tool OUTFILE TOOL ARGS...: run bin/TOOL in the background, wait until it
# says it is attached (BPFSCOPE_READY_FILE). Sets TOOL_PID. Returns 1 if it died.
start_tool() {
	local out=$1 tool=$2 ready=$TMP/ready.$RANDOM i
	shift 2
	rm -f "$ready"
	BPFSCOPE_READY_FILE=$ready "$BIN/$tool" "$@" >"$out" 2>"$out.err" &
	TOOL_PID=$!
	for ((i = 0; i < 200; i++)); do
		[ -e "$ready" ] && return 0
		kill -0 "$TOOL_PID" 2>/dev/null || break
		sleep 0.05
	done
	wait "$TOOL_PID" 2>/dev/null
	TOOL_PID=
	return 1
}

# stop_tool [SIGNAL]: stop the tool started last; returns its exit status.
stop_tool() {
	local sig=${1:-INT} pid=$TOOL_PID i rc
	TOOL_PID=
	[ -n "$pid" ] || return 1
	kill -"$sig" "$pid" 2>/dev/null
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid"
		wait "$pid" 2>/dev/null
		return 124
	fi
	wait "$pid"
	rc=$?
	return $rc
}

# wait_for FILE REGEX [SECONDS]: wait until a line of FILE matches REGEX.
wait_for() {
	local file=$1 re=$2 secs=${3:-5} i
	for ((i = 0; i < secs * 20; i++)); do
		grep -qE -- "$re" "$file" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# BPF objects (programs, maps, links) that exist now, one "kind id" a line.
bpf_objects() {
	local kind
	for kind in prog map link; do
		bpftool "$kind" show 2>/dev/null | sed -n "s/^\([0-9][0-9]*\): .*/$kind \1/p"
	done | sort
}

# BPF objects some live process holds an fd of (as "prog N", "map N", "link N"):
# those belong to whoever else is tracing on this machine, not to a leak.
bpf_held_objects() {
	cat /proc/[0-9]*/fdinfo/* 2>/dev/null |
		sed -n 's/^\(prog\|map\|link\)_id:[[:space:]]*\([0-9][0-9]*\)$/\1 \2/p' | sort -u
}

# BPF objects that exist now but not in the snapshot file $1, and that no
# process holds.  The kernel frees maps and programs asynchronously after
# their last fd is closed, so give it up to 3 seconds before calling anything
# a leak.
bpf_leaked_objects() {
	local i new
	for ((i = 0; i < 30; i++)); do
		new=$(bpf_objects | comm -13 "$1" - | comm -23 - <(bpf_held_objects))
		[ -z "$new" ] && return 0
		sleep 0.1
	done
	echo $new
}

# run_as_nobody CMD...: run without any privilege.
run_as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all -- "$@"
}

# A random marker unique to this run, safe in file and command names.
marker() { echo "bpfscope_${1:-m}_$$_$RANDOM$RANDOM"; }

# need CMD...: skip the whole test file if a command is missing.
need() {
	local c
	for c in "$@"; do
		if ! command -v "$c" >/dev/null 2>&1; then
			skip "$(basename "$0" .sh)" "needs $c"
			exit 0
		fi
	done
}

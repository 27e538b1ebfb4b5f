#!/bin/bash
# Helpers for integration tests.  A test file is a bash script that sources this
# file and prints one line per check: "ok - NAME", "not ok - NAME: why" or
# "skip - NAME: why".  tests/run.sh counts those lines.
#
# tests/run.sh sources each file and then calls done_testing, which prints
# "# done testing": a file that exits before its last line (an `exit` in the
# middle, a shell error that ends it) has no such line and is counted as a
# failure.  A file that cannot run at all says why with need or skip_all; one
# that cannot go on after a failure uses bail_out; both mark it done.
#
# A comment line "# serial" in a test file makes tests/run.sh run it alone
# (it measures something system-wide or loads the CPUs); "# per-tool" runs
# it once per tool of bin/, with TOOLS set to that tool.

TOP=${TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
BIN=${BIN:-$TOP/bin}
TMP=$(mktemp -d /tmp/bpfscope-test.XXXXXX)
chmod 755 "$TMP"
TOOL_PID=
trap 'cleanup_test' EXIT
. "$TOP/tests/paths.sh"
. "$TOP/tests/tally.sh"

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

# check NAME COMMAND...: ok if the command succeeds.
check() {
	local name=$1
	shift
	if "$@"; then ok "$name"; else fail "$name" "failed: $*"; fi
}

# check_path NAME ERRFILE SPEC...: ok if the -v output in ERRFILE says the tool
# took the path SPEC describes (tests/paths.sh: buffer=, core=, kinds=,
# TARGET=KIND).  Every BPFSCOPE_AVOID run checks the path it forced this way.
check_path() {
	local name=$1 file=$2 why
	shift 2
	if why=$(path_mismatch "$file" "$@"); then ok "$name"
	else fail "$name" "$why ($(path_summary "$file"))"; fi
}

# start_tool OUTFILE TOOL ARGS...: run bin/TOOL in the background, wait until it
# says it is attached (BPFSCOPE_READY_FILE). Sets TOOL_PID. Returns 1 if it died
# or did not get attached within 10 s.
# SIGINT is reset to its default: bash starts background commands with it
# ignored, which would hide a tool that is interrupted before its handler is set.
start_tool() {
	local out=$1 tool=$2 ready=$TMP/ready.$RANDOM i
	shift 2
	rm -f "$ready"
	BPFSCOPE_READY_FILE=$ready env --default-signal=INT "$BIN/$tool" "$@" >"$out" 2>"$out.err" &
	TOOL_PID=$!
	for ((i = 0; i < 200; i++)); do
		[ -e "$ready" ] && return 0
		kill -0 "$TOOL_PID" 2>/dev/null || break
		sleep 0.05
	done
	# Dead, or not attached within 10 s (then it is stopped here).
	kill -KILL "$TOOL_PID" 2>/dev/null
	wait "$TOOL_PID" 2>/dev/null
	TOOL_PID=
	return 1
}

# stop_tool [SIGNAL]: stop the tool started last; returns its exit status
# (124 if it did not stop within 5 s and was killed).
stop_tool() {
	local sig=${1:-INT} pid=$TOOL_PID
	TOOL_PID=
	[ -n "$pid" ] || return 1
	kill -"$sig" "$pid" 2>/dev/null
	await_exit "$pid" 5
	[[ $EXIT_STATUS == none* ]] && return 124
	return "$EXIT_STATUS"
}

# kill_tool: kill the tool started last, quietly (a check already failed).
kill_tool() {
	[ -n "$TOOL_PID" ] || return 0
	kill -KILL "$TOOL_PID" 2>/dev/null
	wait "$TOOL_PID" 2>/dev/null
	TOOL_PID=
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

# --- BPF objects: what exists, what a process holds, what was left behind ----

# bpf_objects: the BPF programs, maps and links that exist now, one "kind id" a
# line, sorted.  If bpftool fails it says why on stderr and returns 1: an empty
# list from a broken lister must not pass for "nothing left behind".  (bpftool
# fails when an object goes away between finding its id and opening it, as
# other tracers' objects do: it is asked up to twenty times.)
bpf_objects() {
	local kind out all try
	for ((try = 1; ; try++)); do
		all=
		for kind in prog map link; do
			out=$(bpftool "$kind" show 2>&1) || break
			all+=$(sed -n "s/^\([0-9][0-9]*\): .*/$kind \1/p" <<<"$out")$'\n'
			kind=
		done
		[ -z "$kind" ] && break
		if [ "$try" = 20 ]; then
			echo "bpftool $kind show failed: $(grep -m1 -i error <<<"$out" | head -c 200)" >&2
			return 1
		fi
		sleep 0.1
	done
	grep . <<<"$all" | sort
	return 0
}

# pid_bpf_objects PID: the BPF objects process PID holds a descriptor of
# ("prog N", "map N", "link N"), from /proc/PID/fdinfo.
pid_bpf_objects() {
	cat /proc/"$1"/fdinfo/* 2>/dev/null |
		sed -n 's/^\(prog\|map\|link\)_id:[[:space:]]*\([0-9][0-9]*\)$/\1 \2/p' | sort -u
}

# BPF objects some live process holds an fd of (as "prog N", "map N", "link N"):
# those belong to whoever else is tracing on this machine, not to a leak.
bpf_held_objects() {
	cat /proc/[0-9]*/fdinfo/* 2>/dev/null |
		sed -n 's/^\(prog\|map\|link\)_id:[[:space:]]*\([0-9][0-9]*\)$/\1 \2/p' | sort -u
}

# bpf_leaked_objects BEFORE [OWNED]: prints the objects that are left behind:
# those of the file OWNED (what the tool held while it ran) that still exist,
# and those that exist now but not in the snapshot file BEFORE and that no
# process holds.  The kernel frees maps and programs asynchronously after
# their last fd is closed, so it gives it up to 3 seconds before calling
# anything a leak.  Returns 2 if the lister fails.
bpf_leaked_objects() {
	local before=$1 owned=${2:-/dev/null} i now new
	for ((i = 0; i < 30; i++)); do
		now=$(bpf_objects 2>&1) || { echo "$now"; return 2; }
		new=$( (comm -12 <(sort "$owned") - <<<"$now"
			comm -13 "$before" - <<<"$now" | comm -23 - <(bpf_held_objects)) | sort -u | grep .)
		[ -z "$new" ] && return 0
		sleep 0.1
	done
	echo $new
}

# signal_status SIG: the exit status of a process killed by SIG (130 for INT).
signal_status() { echo $((128 + $(kill -l "$1"))); }

# check_clean_stop NAME SIG DELAY TOOL ARGS...: runs bin/TOOL ARGS, sends it SIG
# once it is attached (DELAY "ready") or DELAY seconds after its start, and
# checks that it stops, with a sane exit status, and leaves no BPF object.
# Once attached, the tool must hold BPF programs and maps (/proc/PID/fdinfo),
# the lister must show them, they must be gone after the stop, and the exit
# status must be 0.  Before it is attached a signal may end the tool before
# its handler is set: 0 or the signal's own status (130, 143), nothing else.
check_clean_stop() {
	local name=$1 sig=$2 delay=$3 tool=$4 before=$TMP/clean.before owned=$TMP/clean.owned
	local pid rc i listed missing leaked want exe
	shift 4
	: >"$owned"
	rm -f "$TMP/clean.out" "$TMP/clean.out.err"
	if ! bpf_objects >"$before" 2>"$TMP/clean.err"; then
		fail "$name" "cannot list BPF objects: $(cat "$TMP/clean.err")"
		return
	fi
	if [ "$delay" = ready ]; then
		if ! start_tool "$TMP/clean.out" "$tool" "$@"; then
			fail "$name" "did not start: $(head -c 300 "$TMP/clean.out.err")"
			return
		fi
		pid_bpf_objects "$TOOL_PID" >"$owned"
		if ! listed=$(bpf_objects 2>&1); then
			kill_tool
			fail "$name" "cannot list BPF objects: $listed"
			return
		fi
		missing=$(comm -23 "$owned" - <<<"$listed" | tr '\n' ' ')
		if ! grep -q '^prog ' "$owned" || ! grep -q '^map ' "$owned"; then
			kill_tool
			fail "$name" "holds no BPF program or map once attached: $(tr '\n' ' ' <"$owned")"
			return
		elif [ -n "$missing" ]; then
			kill_tool
			fail "$name" "the lister does not show what the tool holds: $missing"
			return
		fi
		sleep 0.2
		stop_tool "$sig"
		rc=$?
		want=0
	else
		env --default-signal=INT "$BIN/$tool" "$@" >"$TMP/clean.out" 2>&1 &
		pid=$!
		# The delay counts from the tool's exec: before it, SIGINT is still
		# ignored (the shell's doing, until env sets it back) and would be lost.
		exe=$(readlink -f "$TOOLS_BIN/$tool") # (the binary a common_bin script execs)
		for ((i = 0; i < 500; i++)); do
			[ "$(readlink "/proc/$pid/exe" 2>/dev/null)" = "$exe" ] && break
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.01
		done
		sleep "$delay"
		TOOL_PID=$pid
		stop_tool "$sig"
		rc=$?
		want="0 $(signal_status "$sig")"
	fi
	leaked=$(bpf_leaked_objects "$before" "$owned")
	case $? in
	2) fail "$name" "cannot list BPF objects after the stop: $leaked" ;;
	*)
		if [ -n "$leaked" ]; then
			fail "$name" "left behind: $leaked"
		elif [ "$rc" = 124 ]; then
			fail "$name" "still running 5 s after SIG$sig"
		elif [[ " $want " != *" $rc "* ]]; then
			fail "$name" "exit status $rc after SIG$sig, expected ${want// / or }: $(
				cat "$TMP/clean.out" "$TMP/clean.out.err" 2>/dev/null | head -c 200 | tr '\n' ' ')"
		else
			ok "$name"
		fi
		;;
	esac
}

# run_as_nobody CMD...: run without any privilege.
run_as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all -- "$@"
}

# common_bin TOOL: the directory test_common and test_robust run TOOL from.
# A tool that cannot run without arguments (netqtop -n NIC) names them in its
# test file, a line "# common-args: ARGS"; then this is a directory holding a
# script of its name that execs the tool with them (same process), else the
# binaries' own directory.
TOOLS_BIN=$BIN
common_bin() {
	local args dir=$TMP/common-bin.$1
	args=$(sed -n 's/^# common-args: //p' "$TOP/tests/integration/test_$1.sh" 2>/dev/null | head -n 1)
	if [ -z "$args" ]; then
		echo "$TOOLS_BIN"
		return
	fi
	mkdir -p "$dir"
	printf '#!/bin/sh\nexec %s %s "$@"\n' "$TOOLS_BIN/$1" "$args" >"$dir/$1"
	chmod 755 "$dir" "$dir/$1"
	echo "$dir"
}

# A random marker unique to this run, safe in file and command names.
marker() { echo "bpfscope_${1:-m}_$$_$RANDOM$RANDOM"; }

# await_exit PID SECONDS: wait for a background PID that ends by itself; sets
# EXIT_STATUS to its status, or, if it still runs after SECONDS, kills it and
# sets EXIT_STATUS to "none, still running ...".
await_exit() {
	local pid=$1 i
	for ((i = 0; i < $2 * 20; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid"
		wait "$pid" 2>/dev/null
		EXIT_STATUS="none, still running $2 s after it should have ended"
	else
		wait "$pid"
		EXIT_STATUS=$?
	fi
}

# free_ports N: print a port P, below the kernel's ephemeral range, such that
# no TCP or UDP socket uses any of P .. P+N-1 as its local port; tries 50
# random ones, then returns 1.
free_ports() {
	local n=$1 lo used p i try
	lo=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null)
	[ "${lo:-0}" -gt 12000 ] || lo=32768
	used=" $(ss -Htuan 2>/dev/null | awk '{ sub(/.*:/, "", $5); printf "%s ", $5 }')"
	for ((try = 0; try < 50; try++)); do
		p=$((10000 + RANDOM % (lo - 10000 - n)))
		for ((i = 0; i < n; i++)); do
			[[ $used == *" $((p + i)) "* ]] && continue 2
		done
		echo "$p"
		return 0
	done
	return 1
}

# need CMD...: skip the whole test file if a command is missing.
need() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 || skip_all "needs $c"
	done
}

# Helpers for the guest tests (busybox ash: no bash features but local).
# Each check prints "ok - NAME", "not ok - NAME: why" or "skip - NAME: why".
# /init sources each test file and then calls done_testing; a file that ends
# before its last line has no "# done testing" line and fails (as on the
# host: tests/lib.sh).
. /tests/paths.sh
. /tests/tally.sh
TMP=$(mktemp -d /tmp/t.XXXXXX)
TOOL_PID=
KERNEL=$(uname -r | sed 's/-cloud-amd64$//; s/+deb.*//')
# The tools in this initramfs (tests/vm/run.sh lists them).
TOOLS=$(cat /tests/tools)

# CPU hogs: a test adds the PIDs of the spinners it starts to $hogs; kill_hogs
# ends them, and so does any way out of the file (an exit, the shell's end,
# /init's timeout), so they can spin until killed however long the tools take
# to start.
hogs=
trap 'kill $hogs 2>/dev/null' EXIT
trap 'exit 143' TERM
kill_hogs() {
	kill $hogs 2>/dev/null
	wait $hogs 2>/dev/null
	hogs=
}

# cpu_accounted [N]: the time CPU N (all CPUs without N) accounted, in 1/100 s
# (/proc/stat: a tick for each timer interrupt, so a stretch the host did not
# run the guest counts once).
cpu_accounted() { awk -v c="cpu$1" '$1 == c { print $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }

# samples_floor T0 T1: the fewest 99 Hz samples of one CPU to expect while it
# accounted T1 - T0 (cpu_accounted): half of them, and at least 20 (no fixed
# count holds: a guest whose host thread waits for a host CPU misses timer
# interrupts).
samples_floor() {
	local n=$((($2 - $1) * 99 / 200))
	[ $n -ge 20 ] || n=20
	echo $n
}

# common_path TOOL: the PATH test_common runs TOOL with.  A tool that cannot
# run without arguments (netqtop -n NIC) names them in its guest test file, a
# line "# common-args: ARGS"; then a script of its name that execs the tool
# with them (same process) comes first (as tests/lib.sh common_bin).
TOOLS_PATH=$PATH
common_path() {
	local args real dir=/tmp/common-bin.$$.$1
	args=$(sed -n 's/^# common-args: //p' "/tests/test_$1.sh" 2>/dev/null | head -n 1)
	if [ -z "$args" ]; then
		echo "$TOOLS_PATH"
		return
	fi
	real=$(PATH=$TOOLS_PATH which "$1")
	mkdir -p "$dir"
	printf '#!/bin/sh\nexec %s %s "$@"\n' "$real" "$args" >"$dir/$1"
	chmod 755 "$dir" "$dir/$1"
	echo "$dir:$TOOLS_PATH"
}

# check_path NAME ERRFILE SPEC...: the -v output says the tool took that path
# (tests/paths.sh).  Every BPFSCOPE_AVOID run checks what it forced this way.
check_path() {
	local name=$1 file=$2 why
	shift 2
	if why=$(path_mismatch "$file" "$@"); then ok "$name"
	else fail "$name" "$why ($(path_summary "$file"))"; fi
}

# start_tool OUT TOOL ARGS...: run the tool until it is attached; sets TOOL_PID.
# Its output goes to OUT, stderr to OUT.err.  (sigdfl: SIGINT is not left
# ignored, as the shell would leave it.)
start_tool() {
	local out=$1 i=0
	shift
	rm -f "$out.ready"
	BPFSCOPE_READY_FILE=$out.ready sigdfl "$@" >"$out" 2>"$out.err" &
	TOOL_PID=$!
	while [ $i -lt 600 ]; do
		[ -e "$out.ready" ] && return 0
		kill -0 "$TOOL_PID" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	kill -KILL "$TOOL_PID" 2>/dev/null
	wait "$TOOL_PID" 2>/dev/null
	TOOL_PID=
	return 1
}

# await_stop PID: PID's exit status once it ends, within 30 s; else it is
# killed and the status is 124 (vfscount's 164 kprobes on 6.1 take 5.8 s to
# detach under TCG on a quiet host, 11.9 s was seen with the host loaded).
await_stop() {
	local i=0
	while kill -0 "$1" 2>/dev/null; do
		if [ $i -ge 300 ]; then
			kill -KILL "$1"
			wait "$1" 2>/dev/null
			return 124
		fi
		sleep 0.1
		i=$((i + 1))
	done
	wait "$1"
}

# stop_tool [SIGNAL]: its exit status; 124 if it did not stop (await_stop).
stop_tool() {
	local pid=$TOOL_PID
	TOOL_PID=
	[ -n "$pid" ] || return 1
	kill -"${1:-INT}" "$pid" 2>/dev/null
	await_stop "$pid"
}

# wait_for FILE REGEX [SECONDS]
wait_for() {
	local i=0
	while [ $i -lt $((${3:-10} * 10)) ]; do
		grep -qE -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# cpu_ticks PID[/task/TID]: CPU time used, in ticks of 1/100 s (utime + stime).
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }

# matrix_line TOOL PATHNAME ERRFILE [DEFAULT]: record which hooks a -v run chose
# (DEFAULT: what to record for a tool with a single fixed hook).
matrix_line() {
	local hooks buf
	hooks=$(hooks_taken "$3" | tr '\n' ' ')
	[ -n "$hooks" ] || hooks=${4:-}
	buf=$(buffer_taken "$3")
	echo "matrix: $KERNEL $1 $2 ${buf:-maps} $hooks"
}

# avoid_env PATH: the BPFSCOPE_AVOID value for a path configuration.
avoid_env() {
	case $1 in
	avoid=*) echo "${1#avoid=}" ;;
	*) echo "" ;;
	esac
}

# --- BPF objects --------------------------------------------------------------

# bpf_objects: every BPF program, map and link, "kind id" a line, sorted;
# status 1 (and why on stderr) if the lister fails.
bpf_objects() {
	bpfobjs >"$TMP/objs" || return 1
	sort "$TMP/objs"
}

# lines_in A B, lines_not_in A B: the lines of file A that are (are not) lines
# of file B.  (busybox grep -f takes an empty file for a pattern that matches
# every line: B gets a line no A has.)
lines_in() { { echo -; cat "$2"; } >"$TMP/pat"; grep -xF -f "$TMP/pat" "$1"; }
lines_not_in() { { echo -; cat "$2"; } >"$TMP/pat"; grep -vxF -f "$TMP/pat" "$1"; }

# pid_bpf_objects PID: the BPF objects process PID holds (/proc/PID/fdinfo).
pid_bpf_objects() {
	cat /proc/"$1"/fdinfo/* 2>/dev/null |
		sed -n 's/^\(prog\|map\|link\)_id:[[:space:]]*\([0-9][0-9]*\)$/\1 \2/p' | sort -u
}

# leaked BEFORE OWNED: prints what is left behind: objects of the file OWNED
# that still exist, and new objects (not in BEFORE) that no process holds.
# The kernel frees them asynchronously: up to 3 s.  Status 2 if the lister fails.
leaked() {
	local i=0 new
	while [ $i -lt 30 ]; do
		bpf_objects >"$TMP/now" || return 2
		cat /proc/[0-9]*/fdinfo/* 2>/dev/null |
			sed -n 's/^\(prog\|map\|link\)_id:[[:space:]]*\([0-9][0-9]*\)$/\1 \2/p' |
			sort -u >"$TMP/held"
		lines_not_in "$TMP/now" "$1" >"$TMP/new"
		new=$({ lines_in "$TMP/now" "$2"; lines_not_in "$TMP/new" "$TMP/held"; } |
			sort -u | tr '\n' ' ')
		[ -z "$new" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	echo "$new"
}

# check_clean_stop NAME SIG DELAY TOOL ARGS...: as on the host (tests/lib.sh):
# once attached (DELAY "ready") the tool must hold programs and maps that the
# lister shows, exit 0 on SIG and leave none of them; SIG DELAY seconds after
# the start must end it with 0 or the signal's own status, leaving nothing.
# BPFSCOPE_AVOID passes through.
check_clean_stop() {
	local name=$1 sig=$2 delay=$3 rc want pid i new missing exe
	shift 3
	: >"$TMP/owned"
	rm -f "$TMP/clean" "$TMP/clean.err"
	if ! bpf_objects >"$TMP/before" 2>"$TMP/lister.err"; then
		fail "$name" "cannot list BPF objects: $(cat "$TMP/lister.err")"
		return
	fi
	if [ "$delay" = ready ]; then
		if ! start_tool "$TMP/clean" "$@"; then
			fail "$name" "did not start: $(tail -n 2 "$TMP/clean.err")"
			return
		fi
		pid_bpf_objects "$TOOL_PID" >"$TMP/owned"
		if ! bpf_objects >"$TMP/listed" 2>"$TMP/lister.err"; then
			stop_tool KILL
			fail "$name" "cannot list BPF objects: $(cat "$TMP/lister.err")"
			return
		fi
		missing=$(lines_not_in "$TMP/owned" "$TMP/listed" | tr '\n' ' ')
		if ! grep -q '^prog ' "$TMP/owned" || ! grep -q '^map ' "$TMP/owned"; then
			stop_tool KILL
			fail "$name" "holds no BPF program or map once attached: $(tr '\n' ' ' <"$TMP/owned")"
			return
		elif [ -n "$missing" ]; then
			stop_tool KILL
			fail "$name" "the lister does not show what the tool holds: $missing"
			return
		fi
		stop_tool "$sig"
		rc=$?
		want=0
	else
		sigdfl "$@" >"$TMP/clean" 2>&1 &
		pid=$!
		# The delay counts from the tool's exec: before it SIGINT is still
		# ignored (the shell's doing, until sigdfl sets it back).
		exe=$(readlink -f "$(PATH=$TOOLS_PATH which "$1")") # (what a common_path script execs)
		i=0
		while [ "$(readlink "/proc/$pid/exe" 2>/dev/null)" != "$exe" ] && [ $i -lt 500 ] &&
			kill -0 "$pid" 2>/dev/null; do
			sleep 0.01
			i=$((i + 1))
		done
		sleep "$delay"
		kill -"$sig" "$pid"
		await_stop "$pid"
		rc=$?
		want="0 $((128 + $(kill -l "$sig")))"
	fi
	new=$(leaked "$TMP/before" "$TMP/owned")
	if [ $? = 2 ]; then
		fail "$name" "cannot list BPF objects after the stop"
	elif [ -n "$new" ]; then
		fail "$name" "left behind: $new"
	elif [ "$rc" = 124 ]; then
		fail "$name" "still running 30 s after SIG$sig"
	elif ! echo " $want " | grep -q " $rc "; then
		fail "$name" "exit status $rc after SIG$sig, expected $want: $(
			cat "$TMP/clean" "$TMP/clean.err" 2>/dev/null | head -c 200 | tr '\n' ' ')"
	else
		ok "$name"
	fi
}

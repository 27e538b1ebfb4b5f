#!/bin/bash
# What every tool must do with hostile or broken surroundings, checked for
# each tool without naming it: output that cannot be written is reported with
# a non-zero exit; a reader that stops reading cannot keep the tool from
# stopping; numbers are decimal and strict; what an error echoes of the input
# is escaped, one line and short.  Then the checks that need one tool's
# options: -p inside a PID namespace, execsnoop's long arguments.
# per-tool (tests/run.sh runs this file once per tool, TOOLS=that tool)
. "$(dirname "$0")/../lib.sh"
need timeout unshare

tools=${TOOLS:-$(cd "$TOP/tools" && ls -d -- */ | tr -d /)}

# missing_here TOOL: a tool whose hardware or subsystem this machine lacks
# (llcstat without a PMU, cpufreq without a cpufreq driver) does not start:
# it says so in one line, "TOOL: this machine has no ...", and exits 1.  Then
# this prints that line, and the checks that need the tool running are
# skipped with it (the tool's own test runs them with a stand-in).
missing_here() {
	local err
	if start_tool "$TMP/probe" "$1"; then
		stop_tool
		return 1
	fi
	err=$(cat "$TMP/probe.err")
	[ "$(wc -l <<<"$err")" = 1 ] && grep -q "^$1: this machine has no " <<<"$err" || return 1
	echo "$err"
}

# Something for every tool to see: execs, opens, run-queue waits, disk writes.
activity() {
	local end=$((SECONDS + $1)) f=$TMP/activity
	while [ $SECONDS -lt $end ]; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do /bin/true; cat /etc/hostname >/dev/null; done
		dd if=/dev/zero of="$f" bs=4k count=4 oflag=direct 2>/dev/null
	done
	rm -f "$f"
}

# has_opt TOOL REGEX: the tool's --help matches.
has_opt() { "$BIN/$1" --help 2>&1 | grep -qE -- "$2"; }

for tool in $tools; do
	BIN=$(common_bin "$tool") # (tests/lib.sh: a tool's own arguments, if it needs any)
	missing=$(missing_here "$tool")
	# 1. Output that cannot be written: the tool says so and exits non-zero.
	if [ -n "$missing" ]; then
		skip "$tool: full device, blocked reader, -d 01 (3 checks)" "$missing"
	else
		BPFSCOPE_READY_FILE=$TMP/ready.$tool timeout --preserve-status -s INT 3 "$BIN/$tool" >/dev/full 2>"$TMP/full.err" &
		pid=$!
		activity 2 &
		wait $!
		wait $pid
		rc=$?
		if [ "$rc" != 0 ] && [ "$rc" != 124 ] && grep -q "^$tool: cannot write the output: No space left on device" "$TMP/full.err"; then
			ok "$tool: output to a full device is an error (status $rc)"
		else
			fail "$tool: output to a full device is an error" "status $rc, stderr: $(head -c 300 "$TMP/full.err")"
		fi

		# 2. A reader that never reads (a paused pager): SIGTERM still stops the tool
		# within 5 s (stop_tool's bound: a tool with many syscall tracepoints
		# takes a second to detach them on a quiet machine).
		fifo=$TMP/fifo.$tool
		mkfifo "$fifo"
		exec 7<>"$fifo" # held open, never read
		BPFSCOPE_READY_FILE=$TMP/ready2.$tool "$BIN/$tool" >"$fifo" 2>"$TMP/blocked.err" &
		pid=$!
		for ((i = 0; i < 100; i++)); do
			[ -e "$TMP/ready2.$tool" ] && break
			sleep 0.05
		done
		activity 3
		kill -TERM $pid
		await_exit $pid 5
		if [[ $EXIT_STATUS == none* ]]; then
			fail "$tool: SIGTERM stops it while its reader is blocked" "still running 5 s after SIGTERM"
		else
			rc=$EXIT_STATUS
			# Output was dropped (status 1, said so) or it all fit in the pipe (status 0).
			if { [ $rc = 1 ] && grep -q "output was blocked" "$TMP/blocked.err"; } || [ $rc = 0 ]; then
				ok "$tool: SIGTERM stops it while its reader is blocked (status $rc)"
			else
				fail "$tool: SIGTERM stops it while its reader is blocked" "status $rc: $(head -c 300 "$TMP/blocked.err")"
			fi
		fi
		exec 7>&-
		rm -f "$fifo"
	fi

	# 3. Echoed input: control bytes escaped, one line, a 64 KiB argument cut.
	long=$(head -c 65536 /dev/zero | tr '\0' a)
	"$BIN/$tool" "--$long" >/dev/null 2>"$TMP/e"
	rc=$?
	if [ $rc = 2 ] && [ "$(wc -l <"$TMP/e")" = 1 ] && [ "$(wc -c <"$TMP/e")" -lt 500 ]; then
		ok "$tool: a 64 KiB option is echoed cut, on one line"
	else
		fail "$tool: a 64 KiB option is echoed cut, on one line" "status $rc, $(wc -c <"$TMP/e") bytes, $(wc -l <"$TMP/e") lines"
	fi
	"$BIN/$tool" --"$(printf 'x\ny\033[2J\xe2\x80\xae')" >/dev/null 2>"$TMP/e"
	rc=$?
	if [ $rc = 2 ] && [ "$(wc -l <"$TMP/e")" = 1 ] && ! grep -q $'\033' "$TMP/e" &&
		! grep -q $'\xe2\x80\xae' "$TMP/e" && grep -qF 'x\x0ay\x1b[2J\xe2\x80\xae' "$TMP/e"; then
		ok "$tool: newline, ESC and U+202E in an echoed option are escaped"
	else
		fail "$tool: newline, ESC and U+202E in an echoed option are escaped" "status $rc: $(od -c "$TMP/e" | head -5)"
	fi

	# 4. Numbers: decimal digits only.
	if has_opt "$tool" '\[INTERVAL'; then
		for bad in ' 1' '+5' '0x1' '1s'; do
			"$BIN/$tool" "$bad" >/dev/null 2>"$TMP/e"
			rc=$?
			if [ $rc = 2 ] && grep -q "^$tool: invalid value '$bad' for interval: not a number" "$TMP/e"; then
				ok "$tool: interval '$bad' rejected"
			else
				fail "$tool: interval '$bad' rejected" "status $rc: $(cat "$TMP/e")"
			fi
		done
	fi
	if has_opt "$tool" '-d, --duration=SECS' && [ -z "$missing" ]; then
		BPFSCOPE_READY_FILE=$TMP/ready3.$tool timeout 5 "$BIN/$tool" -d 01 >/dev/null 2>"$TMP/e"
		rc=$?
		if [ $rc = 0 ]; then ok "$tool: -d 01 is one second"; else fail "$tool: -d 01 is one second" "status $rc: $(cat "$TMP/e")"; fi
		"$BIN/$tool" -d 0x10 >/dev/null 2>"$TMP/e"
		rc=$?
		if [ $rc = 2 ] && grep -q "not a number" "$TMP/e"; then ok "$tool: -d 0x10 rejected"; else fail "$tool: -d 0x10 rejected" "status $rc: $(cat "$TMP/e")"; fi
	fi
	if has_opt "$tool" '-p, --pid=PID'; then
		"$BIN/$tool" -p "$$,,$$" >/dev/null 2>"$TMP/e"
		rc=$?
		if [ $rc = 2 ] && grep -q "an empty id in the list" "$TMP/e"; then ok "$tool: -p with an empty id in its list rejected"; else fail "$tool: -p with an empty id in its list rejected" "status $rc: $(cat "$TMP/e")"; fi
	fi
	if has_opt "$tool" '-u, --uid=UID'; then
		"$BIN/$tool" -u root:x:0 >/dev/null 2>"$TMP/e"
		rc=$?
		if [ $rc = 2 ] && grep -q "no such user" "$TMP/e"; then ok "$tool: -u root:x:0 is no user"; else fail "$tool: -u root:x:0 is no user" "status $rc: $(cat "$TMP/e")"; fi
	fi
	if has_opt "$tool" '-c, --cgroup=PATH'; then
		"$BIN/$tool" -c / >/dev/null 2>"$TMP/e"
		rc=$?
		if [ $rc = 2 ] && grep -q "not a cgroup v2 directory" "$TMP/e"; then ok "$tool: -c / is not a cgroup"; else fail "$tool: -c / is not a cgroup" "status $rc: $(cat "$TMP/e")"; fi
	fi
	if has_opt "$tool" '-n, --name=NAME'; then
		"$BIN/$tool" -n abcdefghijklmnopq >/dev/null 2>"$TMP/e"
		rc=$?
		if [ $rc = 2 ] && grep -q "longer than a command name" "$TMP/e"; then ok "$tool: -n with 17 characters rejected"; else fail "$tool: -n with 17 characters rejected" "status $rc: $(cat "$TMP/e")"; fi
	fi
done
BIN=$TOOLS_BIN

# execsnoop: an argument longer than the old 127-byte cut is shown whole; one
# longer than a page is cut and marked.
if [[ " $tools " == *" execsnoop "* ]]; then
	m=$(marker long)
	arg300=$(head -c 300 /dev/zero | tr '\0' b)
	arg5k=$(head -c 5000 /dev/zero | tr '\0' c)
	if start_tool "$TMP/es" execsnoop --json; then
		/bin/sh -c ": $m $arg300 end" 
		/bin/sh -c ": $m-page $arg5k end" 
		sleep 0.5
		stop_tool INT
		if grep -F "$m $arg300 end" "$TMP/es" | grep -q '"args_truncated":false'; then
			ok "execsnoop: a 300-byte argument is shown whole"
		else
			fail "execsnoop: a 300-byte argument is shown whole" "$(grep -F "$m" "$TMP/es" | head -c 400)"
		fi
		line=$(grep -F "$m-page" "$TMP/es")
		if grep -q '"args_truncated":true' <<<"$line" && [ "$(grep -o 'c' <<<"$line" | wc -l)" -ge 4000 ]; then
			ok "execsnoop: an argument longer than a page is cut and marked"
		else
			fail "execsnoop: an argument longer than a page is cut and marked" "$(head -c 300 <<<"$line")"
		fi
	else
		fail "execsnoop: long arguments" "did not start: $(cat "$TMP/es.err")"
	fi
fi

# -p inside a PID namespace names that namespace's process (not the host's).
# Each script starts opensnoop, waits until it is attached (its ready file),
# has the processes it must leave out open their files, then the targets
# (their lines come last: the others', if shown, are out by then), and stops
# it once the targets' lines are out (at most 10 s).
if [[ " $tools " == *" opensnoop "* ]] && has_opt opensnoop '-p, --pid=PID'; then
	m=$(marker pidns)
	cat >"$TMP/ns.sh" <<NS
{ while [ ! -e $TMP/nsgo ]; do sleep 0.02; done; exec cat /nonexistent/$m-target; } 2>/dev/null &
target=\$!
BPFSCOPE_READY_FILE=$TMP/nsready timeout -s INT 30 $BIN/opensnoop -p \$target &
tool=\$!
for i in \$(seq 200); do [ -e $TMP/nsready ] && break; kill -0 \$tool || break; sleep 0.05; done
cat /nonexistent/$m-other 2>/dev/null
: >$TMP/nsgo
wait \$target
for i in \$(seq 200); do grep -q $m-target $TMP/ns.out && break; sleep 0.05; done
kill -INT \$tool
wait \$tool
NS
	unshare -pf --mount-proc bash "$TMP/ns.sh" >"$TMP/ns.out" 2>"$TMP/ns.err"
	# Two of three processes named in one -p list (kept in a BPF map, not rodata).
	cat >"$TMP/two.sh" <<TWO
{ while [ ! -e $TMP/twogo ]; do sleep 0.02; done; exec cat /nonexistent/$m-one; } 2>/dev/null &
one=\$!
{ while [ ! -e $TMP/twogo ]; do sleep 0.02; done; exec cat /nonexistent/$m-two; } 2>/dev/null &
two=\$!
{ while [ ! -e $TMP/twothree ]; do sleep 0.02; done; exec cat /nonexistent/$m-three; } 2>/dev/null &
three=\$!
BPFSCOPE_READY_FILE=$TMP/twoready timeout -s INT 30 $BIN/opensnoop -p \$one,\$two &
tool=\$!
for i in \$(seq 200); do [ -e $TMP/twoready ] && break; kill -0 \$tool || break; sleep 0.05; done
: >$TMP/twothree
wait \$three
: >$TMP/twogo
wait \$one \$two
for i in \$(seq 200); do grep -q $m-one $TMP/two.out && grep -q $m-two $TMP/two.out && break; sleep 0.05; done
kill -INT \$tool
wait \$tool
TWO
	bash "$TMP/two.sh" >"$TMP/two.out" 2>"$TMP/two.err"
	if grep -q "$m-one" "$TMP/two.out" && grep -q "$m-two" "$TMP/two.out" &&
		! grep -q "$m-three" "$TMP/two.out"; then
		ok "opensnoop: -p A,B traces both and nothing else"
	else
		fail "opensnoop: -p A,B traces both and nothing else" "out: $(head -c 300 "$TMP/two.out") err: $(head -c 300 "$TMP/two.err")"
	fi
	if grep -q "$m-target" "$TMP/ns.out" && ! grep -q "$m-other" "$TMP/ns.out"; then
		ok "opensnoop: -p inside a PID namespace traces that namespace's process"
	else
		fail "opensnoop: -p inside a PID namespace traces that namespace's process" "out: $(head -c 300 "$TMP/ns.out") err: $(head -c 300 "$TMP/ns.err")"
	fi
fi

#!/bin/bash
# What every tool must do: help, one-line errors, refuse to run unprivileged
# with a clear reason, and leave no BPF object behind whenever it is stopped.
# per-tool (tests/run.sh runs this file once per tool, TOOLS=that tool)
. "$(dirname "$0")/../lib.sh"
need bpftool setpriv

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

# (timeout 10: a tool that hangs fails its check instead of stalling the file)
for tool in $tools; do
	BIN=$(common_bin "$tool") # (tests/lib.sh: a tool's own arguments, if it needs any)
	out=$(timeout 10 "$BIN/$tool" --help 2>&1)
	if [ $? = 0 ] && grep -q "Usage: $tool" <<<"$out" && grep -q -- '--json' <<<"$out"; then
		ok "$tool: --help"
	else
		fail "$tool: --help" "$(head -3 <<<"$out")"
	fi
	# -h, the help letter of the tools this collection stands in for.
	out=$(timeout 10 "$BIN/$tool" -h 2>&1)
	if [ $? = 0 ] && grep -q "Usage: $tool" <<<"$out"; then
		ok "$tool: -h is --help"
	else
		fail "$tool: -h is --help" "$(head -3 <<<"$out")"
	fi

	out=$(timeout 10 "$BIN/$tool" --version 2>&1)
	if [ $? = 0 ] && grep -q '^bpfscope ' <<<"$out"; then ok "$tool: --version"
	else fail "$tool: --version" "$out"; fi

	timeout 10 "$BIN/$tool" --no-such-option >"$TMP/o" 2>"$TMP/e"
	rc=$?
	if [ $rc != 0 ] && [ "$(wc -l <"$TMP/e")" = 1 ] && grep -q "^$tool: " "$TMP/e" && [ ! -s "$TMP/o" ]; then
		ok "$tool: unknown option is a one-line error"
	else
		fail "$tool: unknown option is a one-line error" "rc=$rc stderr: $(cat "$TMP/e")"
	fi

	timeout 10 "$BIN/$tool" extra positional arguments that make no sense >"$TMP/o" 2>"$TMP/e"
	rc=$?
	if [ $rc != 0 ] && [ "$(wc -l <"$TMP/e")" = 1 ] && grep -q "^$tool: " "$TMP/e"; then
		ok "$tool: bad positional argument is a one-line error"
	else
		fail "$tool: bad positional argument is a one-line error" "rc=$rc stderr: $(cat "$TMP/e")"
	fi

	run_as_nobody timeout 10 "$BIN/$tool" >"$TMP/o" 2>"$TMP/e"
	rc=$?
	if [ $rc != 0 ] && grep -q "^$tool: needs root" "$TMP/e" && [ "$(wc -l <"$TMP/e")" = 1 ]; then
		ok "$tool: unprivileged run says it needs root"
	else
		fail "$tool: unprivileged run says it needs root" "rc=$rc stderr: $(head -c 300 "$TMP/e")"
	fi

	# (check_clean_stop: tests/lib.sh)
	if why=$(missing_here "$tool"); then
		skip "$tool: clean stops (4 checks)" "$why"
		continue
	fi
	check_clean_stop "$tool: SIGINT after attach leaves nothing" INT ready "$tool"
	check_clean_stop "$tool: SIGTERM after attach leaves nothing" TERM ready "$tool"
	check_clean_stop "$tool: SIGINT 0.01 s after start leaves nothing" INT 0.01 "$tool"
	check_clean_stop "$tool: SIGTERM 0.05 s after start leaves nothing" TERM 0.05 "$tool"
done

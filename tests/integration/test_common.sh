#!/bin/bash
# What every tool must do: help, one-line errors, refuse to run unprivileged
# with a clear reason, and leave no BPF object behind whenever it is stopped.
. "$(dirname "$0")/../lib.sh"
need bpftool setpriv

tools=${TOOLS:-$(ls "$BIN")}

# Runs the tool, interrupts it with SIG after DELAY seconds (or once attached
# when DELAY is "ready"), and reports BPF objects it left behind.
check_clean_stop() {
	local tool=$1 sig=$2 delay=$3 name="$1: SIG$2 ${3/ready/after attach} leaves nothing"
	local before=$TMP/before after=$TMP/after pid rc leaked

	bpf_objects >"$before"
	if [ "$delay" = ready ]; then
		if ! start_tool "$TMP/out" "$tool"; then
			fail "$name" "did not start: $(head -c 300 "$TMP/out.err")"
			return
		fi
		sleep 0.3
		stop_tool "$sig"
		rc=$?
	else
		"$BIN/$tool" >"$TMP/out" 2>&1 &
		pid=$!
		sleep "$delay"
		kill -"$sig" "$pid"
		wait "$pid"
		rc=$?
	fi
	leaked=$(bpf_leaked_objects "$before")
	if [ -n "$leaked" ]; then
		fail "$name" "left behind: $leaked"
	elif [ "$delay" = ready ] && [ "$rc" != 0 ]; then
		fail "$name" "exit status $rc after a signal, expected 0"
	else
		ok "$name"
	fi
}

for tool in $tools; do
	out=$("$BIN/$tool" --help 2>&1)
	if [ $? = 0 ] && grep -q "Usage: $tool" <<<"$out" && grep -q -- '--json' <<<"$out"; then
		ok "$tool: --help"
	else
		fail "$tool: --help" "$(head -3 <<<"$out")"
	fi

	out=$("$BIN/$tool" --version 2>&1)
	if [ $? = 0 ] && grep -q '^bpfscope ' <<<"$out"; then ok "$tool: --version"
	else fail "$tool: --version" "$out"; fi

	"$BIN/$tool" --no-such-option >"$TMP/o" 2>"$TMP/e"
	rc=$?
	if [ $rc != 0 ] && [ "$(wc -l <"$TMP/e")" = 1 ] && grep -q "^$tool: " "$TMP/e" && [ ! -s "$TMP/o" ]; then
		ok "$tool: unknown option is a one-line error"
	else
		fail "$tool: unknown option is a one-line error" "rc=$rc stderr: $(cat "$TMP/e")"
	fi

	"$BIN/$tool" extra positional arguments that make no sense >"$TMP/o" 2>"$TMP/e"
	rc=$?
	if [ $rc != 0 ] && [ "$(wc -l <"$TMP/e")" = 1 ] && grep -q "^$tool: " "$TMP/e"; then
		ok "$tool: bad positional argument is a one-line error"
	else
		fail "$tool: bad positional argument is a one-line error" "rc=$rc stderr: $(cat "$TMP/e")"
	fi

	run_as_nobody "$BIN/$tool" >"$TMP/o" 2>"$TMP/e"
	rc=$?
	if [ $rc != 0 ] && grep -q "^$tool: needs root" "$TMP/e" && [ "$(wc -l <"$TMP/e")" = 1 ]; then
		ok "$tool: unprivileged run says it needs root"
	else
		fail "$tool: unprivileged run says it needs root" "rc=$rc stderr: $(head -c 300 "$TMP/e")"
	fi

	check_clean_stop "$tool" INT ready
	check_clean_stop "$tool" TERM ready
	check_clean_stop "$tool" INT 0.01
	check_clean_stop "$tool" TERM 0.05
done

# What every tool must do on every kernel: help, one-line errors, refuse to run
# unprivileged, and leave no BPF program, map or link behind when stopped
# (check_clean_stop: lib.sh), once attached and early, kprobe and fentry paths
# included.  The signals' own handling is the same on every kernel and is
# tested on the host in every combination: here SIGINT once attached and
# SIGTERM early, what detaches the hooks of this kernel.
. /tests/lib.sh

# missing_here TOOL: the tool does not start on this machine and says in one
# line "TOOL: this machine has no ..." (llcstat without a PMU, cpufreq without a
# cpufreq driver): prints that line.  Its clean stops are then skipped with it.
missing_here() {
	if start_tool "$TMP/probe" "$1"; then
		stop_tool
		return 1
	fi
	[ "$(wc -l <"$TMP/probe.err")" = 1 ] && grep -q "^$1: this machine has no " "$TMP/probe.err" ||
		return 1
	cat "$TMP/probe.err"
}

for tool in $TOOLS; do
	PATH=$(common_path "$tool") # (lib.sh: a tool's own arguments, if it needs any)
	if timeout 10 "$tool" --help 2>&1 | grep -q "Usage: $tool"; then ok "$tool: --help"
	else fail "$tool: --help" "no usage"; fi
	timeout 10 "$tool" --no-such-option >"$TMP/o" 2>"$TMP/e"
	rc=$?
	if [ $rc = 2 ] && [ "$(wc -l <"$TMP/e")" = 1 ] && grep -q "^$tool: " "$TMP/e"; then
		ok "$tool: unknown option is a one-line error"
	else
		fail "$tool: unknown option is a one-line error" "rc=$rc $(cat "$TMP/e")"
	fi
	timeout 10 su -s /bin/sh nobody -c "$(which "$tool")" >"$TMP/o" 2>"$TMP/e"
	rc=$?
	if [ $rc != 0 ] && grep -q "^$tool: needs root" "$TMP/e"; then
		ok "$tool: unprivileged run says it needs root"
	else
		fail "$tool: unprivileged run says it needs root" "rc=$rc $(head -c 200 "$TMP/e")"
	fi
	if why=$(missing_here "$tool"); then
		skip "$tool: clean stops (2 checks)" "$why"
		continue
	fi
	check_clean_stop "$tool: SIGINT once attached leaves nothing" INT ready "$tool"
	check_clean_stop "$tool: SIGTERM 0.2 s after start leaves nothing" TERM 0.2 "$tool"
done
PATH=$TOOLS_PATH

# The kprobe and fentry paths: tcpretrans -l attaches one or the other.
case " $TOOLS " in
*" tcpretrans "*)
	for avoid in "" fentry; do
		BPFSCOPE_AVOID=$avoid check_clean_stop \
			"tcpretrans -l: SIGINT once attached leaves nothing${avoid:+ (avoid=$avoid)}" \
			INT ready tcpretrans -v -l
		kind=fentry
		[ "$avoid" = fentry ] && kind=kprobe
		check_path "tcpretrans -l${avoid:+ (avoid=$avoid)}: the run above took $kind" \
			"$TMP/clean.err" tcp_send_loss_probe=$kind
		BPFSCOPE_AVOID=$avoid check_clean_stop \
			"tcpretrans -l: SIGTERM 0.3 s after start leaves nothing${avoid:+ (avoid=$avoid)}" \
			TERM 0.3 tcpretrans -l
	done
	;;
esac

# What every tool must do on every kernel: help, one-line errors, refuse to run
# unprivileged, and leave no BPF program, map or link behind when stopped by
# SIGINT or SIGTERM, early or once attached (kprobe and fentry paths included).
. /tests/lib.sh

# leaked BEFORE: BPF objects now that were not in the snapshot file BEFORE
# (the kernel frees them asynchronously: wait up to 3 s).
leaked() {
	i=0
	while [ $i -lt 30 ]; do
		bpfobjs | sort >"$TMP/after"
		new=$(grep -vxF -f "$1" "$TMP/after" | tr "\n" " ")
		[ -z "$new" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	echo "$new"
}

# clean_stop TOOL SIGNAL DELAY [AVOID] [ARGS...]
clean_stop() {
	tool=$1 sig=$2 delay=$3 avoid=$4
	shift 4
	when="$delay s after start"
	[ "$delay" = ready ] && when="once attached"
	name="$tool${*:+ $*}: SIG$sig $when leaves nothing${avoid:+ (avoid=$avoid)}"
	bpfobjs | sort >"$TMP/before"
	if [ "$delay" = ready ]; then
		BPFSCOPE_AVOID=$avoid start_tool "$TMP/out" "$tool" "$@" ||
			{ fail "$name" "did not start: $(tail -n 1 "$TMP/out.err")"; return; }
		kill -"$sig" "$TOOL_PID"
		wait "$TOOL_PID"
		TOOL_PID=
	else
		BPFSCOPE_AVOID=$avoid "$tool" "$@" >/dev/null 2>&1 &
		pid=$!
		sleep "$delay"
		kill -"$sig" $pid
		wait $pid
	fi
	new=$(leaked "$TMP/before")
	if [ -z "$new" ]; then ok "$name"; else fail "$name" "left behind: $new"; fi
}

for tool in execsnoop opensnoop biolatency runqlat tcpretrans profile; do
	if "$tool" --help 2>&1 | grep -q "Usage: $tool"; then ok "$tool: --help"
	else fail "$tool: --help" "no usage"; fi
	"$tool" --no-such-option >"$TMP/o" 2>"$TMP/e"
	rc=$?
	if [ $rc = 2 ] && [ "$(wc -l <"$TMP/e")" = 1 ] && grep -q "^$tool: " "$TMP/e"; then
		ok "$tool: unknown option is a one-line error"
	else
		fail "$tool: unknown option is a one-line error" "rc=$rc $(cat "$TMP/e")"
	fi
	su -s /bin/sh nobody -c "$(which "$tool")" >"$TMP/o" 2>"$TMP/e"
	rc=$?
	if [ $rc != 0 ] && grep -q "^$tool: needs root" "$TMP/e"; then
		ok "$tool: unprivileged run says it needs root"
	else
		fail "$tool: unprivileged run says it needs root" "rc=$rc $(head -c 200 "$TMP/e")"
	fi
	for sig in INT TERM; do
		clean_stop "$tool" $sig ready ""
		clean_stop "$tool" $sig 0.2 ""
	done
done
# The kprobe and fentry paths: tcpretrans -l attaches one or the other.
for avoid in "" fentry; do
	clean_stop tcpretrans INT ready "$avoid" -l
	clean_stop tcpretrans TERM 0.3 "$avoid" -l
done

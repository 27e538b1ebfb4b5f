# Helpers for the guest tests (busybox ash: no bash features).
# Each check prints "ok - NAME", "not ok - NAME: why" or "skip - NAME: why".
TMP=$(mktemp -d /tmp/t.XXXXXX)
TOOL_PID=
KERNEL=$(uname -r | sed 's/-cloud-amd64$//; s/+deb.*//')

ok() { echo "ok - $1"; }
fail() { echo "not ok - $1: $2"; }
skip() { echo "skip - $1: $2"; }

# start_tool OUT TOOL ARGS...: run the tool until it is attached; sets TOOL_PID.
start_tool() {
	out=$1
	shift
	rm -f "$TMP/ready"
	BPFSCOPE_READY_FILE=$TMP/ready "$@" >"$out" 2>"$out.err" &
	TOOL_PID=$!
	i=0
	while [ $i -lt 600 ]; do
		[ -e "$TMP/ready" ] && return 0
		kill -0 "$TOOL_PID" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	wait "$TOOL_PID" 2>/dev/null
	TOOL_PID=
	return 1
}

stop_tool() {
	[ -n "$TOOL_PID" ] || return 1
	kill -INT "$TOOL_PID" 2>/dev/null
	wait "$TOOL_PID"
	rc=$?
	TOOL_PID=
	return $rc
}

# wait_for FILE REGEX [SECONDS]
wait_for() {
	i=0
	while [ $i -lt $((${3:-10} * 10)) ]; do
		grep -qE -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# matrix_line TOOL PATHNAME ERRFILE [DEFAULT]: record which hooks a -v run chose
# (DEFAULT: what to record for a tool with a single fixed hook).
matrix_line() {
	hooks=$(sed -n "s/^$1: \(.*\) via \(.*\)$/\1=\2/p" "$3" | sort -u | tr '\n' ' ')
	[ -n "$hooks" ] || hooks=${4:-}
	buf=$(grep -o 'event buffer: [a-z]*' "$3" | head -n 1 | sed 's/event buffer: //')
	echo "matrix: $KERNEL $1 $2 ${buf:-maps} $hooks"
}

# Path configurations every tool is run under: the best path, then each forced fallback.
PATHS="best avoid=tp_btf avoid=ringbuf avoid=fentry"

# avoid_env PATH: the BPFSCOPE_AVOID value for a path configuration.
avoid_env() {
	case $1 in
	avoid=*) echo "${1#avoid=}" ;;
	*) echo "" ;;
	esac
}

# Shared by test_offcputime.sh, test_wakeuptime.sh and test_offwaketime.sh
# (bash, sourced after tests/lib.sh): one run of a sleeper and its waker
# (tests/helpers/offcputime_wake.c) watched by several instances of a tool.
#
#   wake_build                  build the helper (frame pointers kept)
#   wake_start MS ROUNDS        start it, waiting for "go": sets TPID, WPID, TCOMM, WCOMM
#   inst NAME ARGS...           start an instance of $TOOLNAME (output $TMP/NAME)
#   wake_go                     let it run; wait until it is done: sets SPAN, NAP,
#                               READ, BLOCK (us: tests/helpers/offcputime_wake.c)
#   inst_stop_all               SIGINT every instance (status in RC_NAME)
#   wake_end                    end the helper (after the output was read)
#   sum_folded FILE REGEX       sum of the counts of folded lines matching REGEX
#   within NAME VALUE LO HI     ok if LO <= VALUE <= HI

wake_build() {
	cc -std=gnu11 -O1 -g -fno-omit-frame-pointer -fno-inline \
		-o "$TMP/wake" "$TOP/tests/helpers/offcputime_wake.c" ||
		bail_out "$TOOLNAME: build the test program" "cc failed"
}

INSTANCES=()

wake_start() {
	TCOMM=ocT$((RANDOM % 1000))$$
	WCOMM=ocW$((RANDOM % 1000))$$
	TCOMM=${TCOMM:0:15} WCOMM=${WCOMM:0:15}
	mkfifo "$TMP/go"
	exec {GOFD}<>"$TMP/go"
	# (The FIFO reaches its end when this shell closes GOFD: no child keeps it.)
	"$TMP/wake" "$TCOMM" "$WCOMM" "$1" "$2" <"$TMP/go" >"$TMP/wake.out" {GOFD}>&- &
	HELPER=$!
	on_exit "kill -KILL $HELPER"
	wait_for "$TMP/wake.out" '^target [0-9]+ waker [0-9]+$' 5 ||
		bail_out "$TOOLNAME: start the test program" "$(cat "$TMP/wake.out")"
	read -r _ TPID _ WPID <"$TMP/wake.out"
	on_exit "kill -KILL $TPID"
}

# inst NAME ARGS...: an instance of the tool, started in the background and
# waited for (all start side by side); a failed start is a failure of NAME.
inst() {
	local name=$1
	shift
	rm -f "$TMP/$name.ready"
	BPFSCOPE_READY_FILE=$TMP/$name.ready env --default-signal=INT "$BIN/$TOOLNAME" "$@" \
		>"$TMP/$name" 2>"$TMP/$name.err" {GOFD}>&- &
	eval "PID_$name=$!"
	on_exit "kill -KILL $!"
	INSTANCES+=("$name")
}

# Wait until every instance is attached; one that is not within 10 s fails.
inst_wait_all() {
	local name i pid
	for name in "${INSTANCES[@]}"; do
		eval "pid=\$PID_$name"
		for ((i = 0; i < 200; i++)); do
			[ -e "$TMP/$name.ready" ] && break
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.05
		done
		[ -e "$TMP/$name.ready" ] ||
			fail "$TOOLNAME [$name] starts" "$(head -c 300 "$TMP/$name.err")"
	done
}

wake_go() {
	echo g >&"$GOFD"
	wait_for "$TMP/wake.out" '^nap_us [0-9]+$' 10 && wait_for "$TMP/wake.out" '^block_us [0-9]+$' 5 ||
		bail_out "$TOOLNAME: the test program runs" "$(cat "$TMP/wake.out")"
	SPAN=$(sed -n 's/^span_us //p' "$TMP/wake.out")
	NAP=$(sed -n 's/^nap_us //p' "$TMP/wake.out")
	READ=$(sed -n 's/^read_us //p' "$TMP/wake.out")
	BLOCK=$(sed -n 's/^block_us //p' "$TMP/wake.out")
}

inst_stop_all() {
	local name pid rc i
	for name in "${INSTANCES[@]}"; do
		eval "pid=\$PID_$name"
		kill -INT "$pid" 2>/dev/null
	done
	for name in "${INSTANCES[@]}"; do
		eval "pid=\$PID_$name"
		for ((i = 0; i < 100; i++)); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.05
		done
		wait "$pid" 2>/dev/null
		rc=$?
		eval "RC_$name=$rc"
	done
}

wake_end() {
	exec {GOFD}>&-
	wait "$HELPER" 2>/dev/null
}

sum_folded() {
	grep -E -- "$2" "$1" | awk '{ n += $NF } END { print n + 0 }'
}

within() {
	if [ "$2" -ge "$3" ] && [ "$2" -le "$4" ]; then
		ok "$1 ($2 us, wanted $3..$4)"
	else
		fail "$1" "$2 us, not within $3..$4"
	fi
}

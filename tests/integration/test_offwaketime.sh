#!/bin/bash
# offwaketime: a sleeper blocked on a pipe in bpfscope_offcpu_wait() and its
# waker, which writes to it from bpfscope_offcpu_wake() after each nap
# (tests/helpers/offcputime_wake.c), watched by instances of offwaketime side
# by side.  Each pair of stacks must join the sleeper's to its waker's, the
# time must match what the program measured around its reads, the filters
# must keep one and leave out the other.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/integration/helpers/offcputime_lib.sh"
need cc jq
TOOLNAME=offwaketime
[ -x "$BIN/$TOOLNAME" ] || skip_all "bin/$TOOLNAME is not built"

wake_build
wake_start 100 5
inst folded -f -p "$TPID"
inst multi -p "$TPID"
inst json --json -t "$TPID"
inst kstacks -f -K -p "$TPID"
inst ustacks -f -U -d -p "$TPID"
inst waker -f -p "$WPID"
inst min -f -p "$TPID" -m 400000
inst_wait_all
wake_go
inst_stop_all

# Target (user frames root first, kernel frames), "--", waker (kernel frames
# leaf first, user frames), waker's name.  The time: off-CPU inside the
# reads the program timed (READ), give or take 20 ms for system calls, the
# clock and preemption between reads on a loaded 2-CPU machine.
CHAIN_RE="^$TCOMM;([^;]*;)*bpfscope_offcpu_wait;([^;]*;)*[^;]*pipe_read;schedule;__schedule;--;"
CHAIN_RE+="try_to_wake_up;([^;]*;)*[^;]*pipe_write;([^;]*;)*bpfscope_offcpu_wake;([^;]*;)*$WCOMM [0-9]+$"
within "offwaketime -f -p: the sleeper's time, joined to its waker's stacks, matches its reads" \
	"$(sum_folded "$TMP/folded" "$CHAIN_RE")" $((READ - 20000)) $((READ + 20000))
if [ "$RC_folded" = 0 ] && ! grep -qvE "^$TCOMM;" "$TMP/folded"; then
	ok "offwaketime -p: only the sleeper's times (not its waker's, $WCOMM)"
else
	fail "offwaketime -p: only the sleeper's times" \
		"status $RC_folded: $(grep -vE "^$TCOMM;" "$TMP/folded" | head -c 300)"
fi

# BCC's layout: the waker and its frames root first, "--", the target's leaf first.
if grep -qx "Tracing blocked time (us) by user + kernel off-CPU and waker stack... Hit Ctrl-C to end." \
	"$TMP/multi" &&
	awk -v w="    waker:           $WCOMM $WPID" -v t="    target:          $TCOMM $TPID" '
		$0 == w { s = 1; next }
		s == 1 && $0 == "    bpfscope_offcpu_wake" { s = 2; next }
		s == 2 && $0 == "    try_to_wake_up" { s = 3; next }
		s == 3 && $0 == "    --               --" { s = 4; next }
		s == 4 && $0 == "    __schedule" { s = 5; next }
		s == 5 && $0 == "    bpfscope_offcpu_wait" { s = 6; next }
		s == 6 && $0 == t { found = 1 }
		$0 ~ /^        [0-9]+$/ { s = 0 }
		END { exit !found }' "$TMP/multi"; then
	ok "offwaketime: default output: waker: comm pid, its frames, --, the target's, target: comm pid"
else
	fail "offwaketime: default output: waker, --, target" "$(head -c 600 "$TMP/multi")"
fi

if jq -e . "$TMP/json" >/dev/null 2>&1 && [ -s "$TMP/json" ]; then
	ok "offwaketime --json: every line parses"
else
	fail "offwaketime --json: every line parses" "$(head -c 300 "$TMP/json")"
fi
sel='select(.waker.tid == '$WPID' and .waker.comm == "'$WCOMM'" and .target.tid == '$TPID'
	and (.waker.user_stack | index("bpfscope_offcpu_wake"))
	and (.target.user_stack | index("bpfscope_offcpu_wait"))
	and (.target.kernel_stack | index("__schedule")))'
t=$(jq -s "[.[] | $sel | .usecs] | add // 0" "$TMP/json")
within "offwaketime --json -t: waker and target, tids, stacks, time" "$t" $((READ - 20000)) $((READ + 20000))

if grep -qE "^$TCOMM;.*pipe_read;.*;--;.*pipe_write;.*;$WCOMM [0-9]+$" "$TMP/kstacks" &&
	! grep -q bpfscope_ "$TMP/kstacks"; then
	ok "offwaketime -K: kernel frames only, on both sides"
else
	fail "offwaketime -K: kernel frames only" "$(head -c 300 "$TMP/kstacks")"
fi
if grep -qE "^$TCOMM;.*;bpfscope_offcpu_wait;--;bpfscope_offcpu_wake;.*;$WCOMM [0-9]+$" "$TMP/ustacks" &&
	! grep -qE 'pipe_read|pipe_write|;-;' "$TMP/ustacks"; then
	ok "offwaketime -U: user frames only, on both sides (no delimiter with one side)"
else
	fail "offwaketime -U: user frames only" "$(head -c 300 "$TMP/ustacks")"
fi
if grep -qE "^$WCOMM;.*bpfscope_offcpu_nap;.*;--;.*hrtimer_wakeup" "$TMP/waker" &&
	! grep -qF "$TCOMM" "$TMP/waker"; then
	ok "offwaketime -p: the waker's naps, woken by a timer, and nothing of the sleeper"
else
	fail "offwaketime -p: the waker's naps, woken by a timer" "$(head -c 300 "$TMP/waker")"
fi
if [ "$RC_min" = 0 ] && ! grep -qF "$TCOMM" "$TMP/min"; then
	ok "offwaketime -m 400000: no 100 ms sleep counted"
else
	fail "offwaketime -m 400000: no 100 ms sleep counted" "status $RC_min: $(head -c 300 "$TMP/min")"
fi
wake_end

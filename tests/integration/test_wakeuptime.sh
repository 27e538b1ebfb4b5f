#!/bin/bash
# wakeuptime: a sleeper blocked on a pipe and its waker, which writes to it
# after each of its naps (tests/helpers/offcputime_wake.c), watched by
# instances of wakeuptime side by side.  The sleeper's time must be counted
# under its waker's name and kernel stack (the pipe write) and match the span
# the program measured (from each read to the write that ends it); the
# waker's own naps end by a timer, whoever runs.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/integration/helpers/offcputime_lib.sh"
need cc jq
TOOLNAME=wakeuptime
[ -x "$BIN/$TOOLNAME" ] || skip_all "bin/$TOOLNAME is not built"

wake_build
wake_start 100 5
inst folded -f -p "$TPID"
inst multi -p "$TPID"
inst json --json -p "$WPID"
inst min -f -p "$TPID" -m 400000
inst all --json
inst uthreads --json -u
inst_wait_all
wake_go
inst_stop_all

# Asleep from each read to the waker's write, as the program measured
# (BLOCK), give or take 20 ms of system calls and the clock, and preemption
# between the clock and the call, on a loaded 2-CPU machine.
PAIR_RE="^$WCOMM;entry_SYSCALL_64[^ ]*;([^;]*;)*[^;]*pipe_write;([^;]*;)*try_to_wake_up;$TCOMM [0-9]+$"
within "wakeuptime -f -p: the sleeper's time under its waker's pipe write matches its sleeps" \
	"$(sum_folded "$TMP/folded" "$PAIR_RE")" $((BLOCK - 20000)) $((BLOCK + 20000))
if [ "$RC_folded" = 0 ] && ! grep -qvE ";$TCOMM [0-9]+$" "$TMP/folded"; then
	ok "wakeuptime -p: only the sleeper's sleeps (not its waker's, $WCOMM)"
else
	fail "wakeuptime -p: only the sleeper's sleeps" \
		"status $RC_folded: $(grep -vE ";$TCOMM [0-9]+$" "$TMP/folded" | head -c 300)"
fi

if grep -qx "Tracing blocked time (us) by kernel stack... Hit Ctrl-C to end." "$TMP/multi" &&
	grep -A30 -x "    target:          $TCOMM" "$TMP/multi" | grep -qx "    [a-z_]*pipe_write" &&
	grep -qx "    waker:           $WCOMM" "$TMP/multi"; then
	ok "wakeuptime: default output has the header, target:, waker frames, waker:"
else
	fail "wakeuptime: default output has the header, target:, waker frames, waker:" \
		"$(head -c 400 "$TMP/multi")"
fi

# The waker's own naps: woken by the timer (in whatever task the interrupt
# found) after 100 ms each (less 2 ms in all for arming the timer), at most
# the naps it timed, which include getting the CPU back.
if jq -e . "$TMP/json" >/dev/null 2>&1 && [ -s "$TMP/json" ]; then
	ok "wakeuptime --json: every line parses"
else
	fail "wakeuptime --json: every line parses" "$(head -c 300 "$TMP/json")"
fi
nap=$(jq -s '[.[] | select(.target.comm == "'"$WCOMM"'") | .usecs] | add // 0' "$TMP/json")
within "wakeuptime --json -p: the waker's naps, woken by a timer" "$nap" $((500000 - 2000)) $((NAP + 1000))
if jq -e 'select(.target.comm == "'"$WCOMM"'" and (.waker.kernel_stack | index("hrtimer_wakeup")))' \
	"$TMP/json" >/dev/null && ! grep -qF "\"$TCOMM\"" "$TMP/json"; then
	ok "wakeuptime --json -p: by hrtimer_wakeup, and nothing of the sleeper"
else
	fail "wakeuptime --json -p: by hrtimer_wakeup, and nothing of the sleeper" "$(head -c 400 "$TMP/json")"
fi

if [ "$RC_min" = 0 ] && ! grep -qF "$TCOMM" "$TMP/min"; then
	ok "wakeuptime -m 400000: no 100 ms sleep counted"
else
	fail "wakeuptime -m 400000: no 100 ms sleep counted" "status $RC_min: $(head -c 300 "$TMP/min")"
fi

# -u: kernel threads (kworkers, ksoftirqd, rcu) sleep and get woken all the
# time; without -u some are among the sleepers, with -u none is.
KTHREADS='^(kworker/|ksoftirqd/|rcu_|migration/|kcompactd|khugepaged|jbd2/|kthreadd$)'
kt_all=$(jq -r .target.comm "$TMP/all" | grep -cE "$KTHREADS")
kt_u=$(jq -r .target.comm "$TMP/uthreads" | grep -E "$KTHREADS" | sort -u | tr '\n' ' ')
if [ "$kt_all" -gt 0 ] && [ -z "$kt_u" ] && grep -qF "\"$TCOMM\"" "$TMP/uthreads"; then
	ok "wakeuptime -u: no kernel thread sleeping ($kt_all without -u), the sleeper there"
else
	fail "wakeuptime -u: no kernel thread sleeping" "without -u: $kt_all; with -u: $kt_u"
fi
wake_end

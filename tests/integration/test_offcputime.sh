#!/bin/bash
# offcputime: a sleeper blocked on a pipe in bpfscope_offcpu_wait() and its
# waker napping in bpfscope_offcpu_nap() (tests/helpers/offcputime_wake.c),
# watched by instances of offcputime with different options side by side.
# The target's time in its wait stack must match the time the program
# measured around its reads (5 rounds of 100 ms), the waker's time in its nap
# stack the naps it measured; the filters must keep one and leave out the
# other.
. "$(dirname "$0")/../lib.sh"
. "$TOP/tests/integration/helpers/offcputime_lib.sh"
need cc jq
TOOLNAME=offcputime
[ -x "$BIN/$TOOLNAME" ] || skip_all "bin/$TOOLNAME is not built"

wake_build
wake_start 100 5
inst folded -f -d -p "$TPID"
inst json --json -t "$WPID"
inst multi -p "$TPID" -m 50000 -M 1000000 --state 1
inst min -f -p "$TPID" -m 400000
inst state -f -p "$TPID" --state 2
inst kstacks -f -K -p "$TPID"
inst ustacks -f -U -p "$TPID"
inst kthreads --json -k
inst uthreads --json -u
inst_wait_all
wake_go
inst_stop_all

# The bounds: the target is off-CPU inside each read it timed (less 20 ms for
# system calls and the clock), and in its wait function it may also be
# preempted between reads (20 ms more, on a loaded 2-CPU machine).  The
# waker is off-CPU inside each nap it timed: at most their sum, at least
# that less 20 ms.
WAIT_RE="^$TCOMM;.*;bpfscope_offcpu_wait;"
within "offcputime -f -p: the target's time in its read of the pipe matches its reads" \
	"$(sum_folded "$TMP/folded" "$WAIT_RE")" $((READ - 20000)) $((READ + 20000))
if grep -qE "${WAIT_RE}-;([^;]*;)*[^;]*pipe_read;schedule;__schedule [0-9]+$" "$TMP/folded"; then
	ok "offcputime -f -d: user frames, '-', then kernel frames down to __schedule"
else
	fail "offcputime -f -d: user frames, '-', then kernel frames down to __schedule" \
		"$(grep -F "$TCOMM" "$TMP/folded" | head -c 400)"
fi
if [ "$RC_folded" = 0 ] && ! grep -qvE "^$TCOMM;" "$TMP/folded"; then
	ok "offcputime -p: only the target's stacks (not its waker's, $WCOMM)"
else
	fail "offcputime -p: only the target's stacks" \
		"status $RC_folded: $(grep -vE "^$TCOMM;" "$TMP/folded" | head -c 300)"
fi

# JSON: the waker's naps, by thread.
if jq -e . "$TMP/json" >/dev/null 2>&1 && [ -s "$TMP/json" ]; then
	ok "offcputime --json: every line parses"
else
	fail "offcputime --json: every line parses" "$(head -c 300 "$TMP/json")"
fi
nap=$(jq -s '[.[] | select(.user_stack // [] | index("bpfscope_offcpu_nap")) | .usecs] | add // 0' \
	"$TMP/json")
within "offcputime --json -t: the waker's time in its nap matches the naps it timed" \
	"$nap" $((NAP - 20000)) $((NAP + 1000))
others=$(jq -r "select(.tid != $WPID or .comm != \"$WCOMM\") | .comm" "$TMP/json" | sort -u | tr '\n' ' ')
if [ -z "$others" ] && jq -e 'select(.kernel_stack | index("do_nanosleep"))' "$TMP/json" >/dev/null; then
	ok "offcputime --json -t: that thread only, tid and comm, kernel and user stacks"
else
	fail "offcputime --json -t: that thread only" "others: $others; $(head -c 300 "$TMP/json")"
fi

# Multi-line: BCC's layout; -m 50000 -M 1000000 --state 1 keep 100 ms sleeps.
if grep -qx "Tracing off-CPU time (us) of PID $TPID by user + kernel stack... Hit Ctrl-C to end." \
	"$TMP/multi" && grep -qx "    bpfscope_offcpu_wait" "$TMP/multi" &&
	grep -qx "    -                $TCOMM ($TPID)" "$TMP/multi"; then
	ok "offcputime: default output has the header, frames leaf first, - comm (tid)"
else
	fail "offcputime: default output has the header, frames leaf first, - comm (tid)" \
		"$(head -c 400 "$TMP/multi")"
fi
total=$(awk -v c="    -                $TCOMM ($TPID)" '$0 == c { getline; n += $1 } END { print n + 0 }' \
	"$TMP/multi")
within "offcputime -m 50000 -M 1000000 --state 1: keeps the 100 ms sleeps" \
	"$total" $((READ - 20000)) $((READ + 1000))
if [ "$RC_min" = 0 ] && ! grep -q bpfscope_offcpu_wait "$TMP/min"; then
	ok "offcputime -m 400000: no 100 ms sleep counted"
else
	fail "offcputime -m 400000: no 100 ms sleep counted" "status $RC_min: $(head -c 300 "$TMP/min")"
fi
if [ "$RC_state" = 0 ] && ! grep -q bpfscope_offcpu_wait "$TMP/state"; then
	ok "offcputime --state 2: a pipe read (interruptible) is not counted"
else
	fail "offcputime --state 2: a pipe read is not counted" "status $RC_state: $(head -c 300 "$TMP/state")"
fi

# -K, -U: one side of the stacks only.
if grep -qE "^$TCOMM;.*pipe_read;" "$TMP/kstacks" && ! grep -q bpfscope_ "$TMP/kstacks"; then
	ok "offcputime -K: kernel frames only"
else
	fail "offcputime -K: kernel frames only" "$(head -c 300 "$TMP/kstacks")"
fi
if grep -qE "^$TCOMM;.*;bpfscope_offcpu_wait [0-9]+$" "$TMP/ustacks" &&
	! grep -qE 'pipe_read|__schedule' "$TMP/ustacks"; then
	ok "offcputime -U: user frames only"
else
	fail "offcputime -U: user frames only" "$(head -c 300 "$TMP/ustacks")"
fi

# -k and -u: kernel threads (PF_KTHREAD in /proc/TID/stat) or not.
is_kthread() { awk '{ exit !(int($9 / 2097152) % 2) }' "/proc/$1/stat" 2>/dev/null; }
kinds() {
	local tid
	for tid in $(jq -r .tid "$1" | sort -u); do
		[ -e "/proc/$tid/stat" ] || continue
		if is_kthread "$tid"; then echo kernel; else echo user; fi
	done | sort -u | tr '\n' ' '
}
k=$(kinds "$TMP/kthreads")
u=$(kinds "$TMP/uthreads")
if [ "$k" = "kernel " ] && ! grep -qF "\"$TCOMM\"" "$TMP/kthreads"; then
	ok "offcputime -k: kernel threads only"
else
	fail "offcputime -k: kernel threads only" "threads found: $k"
fi
if [ "$u" = "user " ] && grep -qF "\"comm\":\"$TCOMM\",\"tid\":$TPID" "$TMP/uthreads"; then
	ok "offcputime -u: user threads only, the target among them"
else
	fail "offcputime -u: user threads only, the target among them" "threads found: $u"
fi
wake_end

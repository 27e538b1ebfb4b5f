#!/bin/bash
# profile: the stack map's size is bounded, a signal during start-up is honoured,
# and what is lost is reported as "profile: ...".
. "$(dirname "$0")/../lib.sh"
need bpftool dd

TOOL=$BIN/profile
MAX=1048576

# --- the bound -------------------------------------------------------------

"$TOOL" --stack-storage-size $((MAX + 1)) >"$TMP/o" 2>"$TMP/e"
rc=$?
if [ $rc = 2 ] && [ ! -s "$TMP/o" ] && [ "$(wc -l <"$TMP/e")" = 1 ] &&
	grep -q "^profile: .*--stack-storage-size.*1\.\.$MAX" "$TMP/e"; then
	ok "profile_limits: a stack storage above $MAX is a usage error naming the range"
else
	fail "profile_limits: a stack storage above $MAX is a usage error naming the range" \
		"rc=$rc $(head -c 300 "$TMP/e")"
fi

# --- the largest map: starts, stops, leaves nothing --------------------------

bpf_objects >"$TMP/before"
t0=$(date +%s%N)
if start_tool "$TMP/max" profile -f --stack-storage-size $MAX; then
	ms=$((($(date +%s%N) - t0) / 1000000))
	# ~0.2 s on an idle machine; the bound leaves room for a busy one.
	if [ $ms -lt 5000 ]; then ok "profile_limits: the largest stack storage starts in $ms ms"
	else fail "profile_limits: the largest stack storage starts in time" "$ms ms"; fi
	stop_tool INT
	rc=$?
	if [ $rc = 0 ] && [ ! -s "$TMP/max.err" ]; then ok "profile_limits: the largest stack storage stops on SIGINT"
	else fail "profile_limits: the largest stack storage stops on SIGINT" "rc=$rc $(head -c 300 "$TMP/max.err")"; fi
else
	fail "profile_limits: the largest stack storage starts" "$(head -c 300 "$TMP/max.err")"
fi
if left=$(bpf_leaked_objects "$TMP/before"); then ok "profile_limits: the largest stack storage leaves nothing"
else fail "profile_limits: the largest stack storage leaves nothing" "left behind: $left"; fi

# --- a signal while the maps are being created ------------------------------

# caught PID SIG: whether process PID has a handler for SIG (/proc/PID/status
# SigCgt).  (Shell builtins only: it is polled.)
caught() {
	local key mask bit
	bit=$(($(kill -l "$2") - 1))
	{ while read -r key mask; do
		[ "$key" = SigCgt: ] && return $((((0x$mask >> bit) & 1) == 0))
	done <"/proc/$1/status"; } 2>/dev/null
	return 1
}
# stopped PID: whether process PID is stopped (SIGSTOP).
stopped() {
	local stat
	{ read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
	stat=${stat##*) }
	[ "${stat%% *}" = T ]
}
# creating PID: whether process PID holds a BPF object (its BTF is loaded just
# before its maps are created).
creating() { grep -qsE '^(btf|map|prog)_id:' /proc/"$1"/fdinfo/*; }

# in_startup SIG: start profile with the largest map and leave it stopped
# (SIGSTOP) while it creates its BPF objects: its handler for SIG set, its
# BTF loaded, not attached yet.  Sets pid; the caller sends SIG, then SIGCONT.
# The signal goes once the tool can catch it, not after a fixed delay: a tool
# not yet that far would be killed by SIGTERM (143), and SIGINT (which the
# shell starts background commands with ignored: env sets it back) would be
# lost.  An attempt that got to the ready point first, or ended, is started
# again (5 tries).
in_startup() {
	local sig=$1 try i
	for ((try = 1; try <= 5; try++)); do
		rm -f "$TMP/ready"
		BPFSCOPE_READY_FILE=$TMP/ready env --default-signal=INT "$TOOL" -f --stack-storage-size $MAX \
			>"$TMP/o" 2>"$TMP/e" &
		pid=$!
		for ((i = 0; i < 2000; i++)); do
			caught $pid "$sig" && creating $pid && break
			kill -0 $pid 2>/dev/null || break
			sleep 0.005
		done
		kill -STOP $pid 2>/dev/null
		# (a process in the kernel's map creation stops when it leaves it)
		for ((i = 0; i < 1000; i++)); do
			stopped $pid && break
			kill -0 $pid 2>/dev/null || break
			sleep 0.01
		done
		STARTUP_WHY="$(stopped $pid && echo stopped || echo "not stopped"), $(
			caught $pid "$sig" && echo "SIG$sig caught" || echo "no handler for SIG$sig"), $(
			pid_bpf_objects $pid | grep -c '^map ') maps held, $(
			[ -e "$TMP/ready" ] && echo ready || echo "not ready")"
		if stopped $pid && caught $pid "$sig" && [ ! -e "$TMP/ready" ]; then
			STARTUP_TRIES=$try
			return 0
		fi
		kill -KILL $pid 2>/dev/null
		kill -CONT $pid 2>/dev/null
		wait $pid 2>/dev/null
	done
	return 1
}

for sig in INT TERM; do
	name="profile_limits: SIG$sig during start-up"
	bpf_objects >"$TMP/before"
	if ! in_startup "$sig"; then
		fail "$name ends it, status 0, nothing printed" "never caught in start-up with a handler for SIG$sig in 5 tries (last: $STARTUP_WHY): $(head -c 200 "$TMP/e")"
	else
		kill -"$sig" $pid
		kill -CONT $pid
		t0=$(date +%s%N)
		for ((i = 0; i < 120; i++)); do
			kill -0 $pid 2>/dev/null || break
			sleep 0.05
		done
		ms=$((($(date +%s%N) - t0) / 1000000))
		kill -KILL $pid 2>/dev/null
		wait $pid
		rc=$?
		# The kernel does not interrupt the map's creation: ~0.2 s idle, seen 2 s on a busy machine.
		if [ $rc = 0 ] && [ ! -e "$TMP/ready" ] && [ ! -s "$TMP/o" ] && [ ! -s "$TMP/e" ] && [ $ms -lt 5000 ]; then
			ok "$name ends it, status 0, nothing printed ($ms ms after the signal, try $STARTUP_TRIES: $STARTUP_WHY)"
		else
			fail "$name ends it, status 0, nothing printed" \
				"rc=$rc ready=$([ -e "$TMP/ready" ] && echo yes || echo no) $ms ms; $(head -c 200 "$TMP/o") $(head -c 200 "$TMP/e")"
		fi
	fi
	if left=$(bpf_leaked_objects "$TMP/before"); then ok "$name leaves nothing"
	else fail "$name leaves nothing" "left behind: $left"; fi
done

# --- what is lost is said as profile's own ----------------------------------

# dd of single bytes: user and kernel stacks, several distinct kernel stacks.
dd if=/dev/zero of=/dev/null bs=1 count=100000000 2>/dev/null &
DD=$!
on_exit "kill $DD"

# One slot: every stack but the first falls in a taken slot.
"$TOOL" -f -F 199 -p $DD --stack-storage-size 1 1 >"$TMP/o" 2>"$TMP/e"
if grep -q "^profile: [0-9]* stack traces lost and could not be displayed. Consider increasing --stack-storage-size.$" "$TMP/e" &&
	! grep -qv "^profile: " "$TMP/e"; then
	ok "profile_limits: lost stacks are reported with the profile: prefix"
else
	fail "profile_limits: lost stacks are reported with the profile: prefix" "$(head -c 300 "$TMP/e")"
fi

# One key: every other (process, stack) pair is dropped.
"$TOOL" -f -F 199 -p $DD --hash-storage-size 1 1 >"$TMP/o" 2>"$TMP/e"
if grep -q "^profile: [0-9]* events lost$" "$TMP/e" &&
	! grep -qv "^profile: " "$TMP/e"; then
	ok "profile_limits: samples the full table could not count are reported as events lost"
else
	fail "profile_limits: samples the full table could not count are reported as events lost" "$(head -c 300 "$TMP/e")"
fi

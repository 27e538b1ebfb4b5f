#!/bin/bash
# profile: sampled stacks name the functions a known CPU-bound program runs.
. "$(dirname "$0")/../lib.sh"
need cc bpftool setpriv python3

TOOL=$BIN/profile
COMM=pfburn$$
COMM=${COMM:0:15}

# A program that burns CPU in functions with distinctive names, in user space
# (bpfscope_profile_burn) and in the kernel (bpfscope_profile_sys: writes).
cat >"$TMP/burn.c" <<'EOF'
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

__attribute__((noinline)) void bpfscope_profile_burn(volatile unsigned long *x)
{
	for (int i = 0; i < 100000; i++)
		*x += i;
}

__attribute__((noinline)) void bpfscope_profile_sys(int fd)
{
	char c = 0;

	for (int i = 0; i < 200; i++)
		if (write(fd, &c, 1) < 0)
			exit(1);
}

__attribute__((noinline)) void bpfscope_profile_outer(int fd)
{
	volatile unsigned long x = 0;

	bpfscope_profile_burn(&x);
	bpfscope_profile_sys(fd);
}

int main(int argc, char **argv)
{
	int fd = open("/dev/null", O_WRONLY);

	alarm(argc > 1 ? atoi(argv[1]) : 60);
	for (;;)
		bpfscope_profile_outer(fd);
}
EOF
if ! cc -O0 -g -fno-omit-frame-pointer -fno-inline -o "$TMP/$COMM" "$TMP/burn.c"; then
	fail "profile: build the test program" "cc failed"
	exit 0
fi

"$TMP/$COMM" 120 &
BURN=$!
on_exit "kill $BURN"

# --- what the samples show ------------------------------------------------

"$TOOL" -f -p "$BURN" 3 >"$TMP/folded" 2>"$TMP/folded.err"
rc=$?
if [ $rc = 0 ] && grep -qE "^$COMM;.*main;bpfscope_profile_outer;bpfscope_profile_burn [0-9]+$" "$TMP/folded"; then
	ok "profile: -f -p names the user functions, callers first, with the comm"
else
	fail "profile: -f -p names the user functions, callers first, with the comm" \
		"rc=$rc $(head -c 400 "$TMP/folded") $(head -c 200 "$TMP/folded.err")"
fi

others=$(grep -vc "^$COMM;" "$TMP/folded")
if [ "$others" = 0 ]; then ok "profile: -p shows that process only"
else fail "profile: -p shows that process only" "$others other lines"; fi

total=$(awk '{n += $NF} END {print n + 0}' "$TMP/folded")
# 49 Hz for 3 s on one CPU-bound thread: about 147 samples.
if [ "$total" -ge 100 ] && [ "$total" -le 170 ]; then ok "profile: sample count matches 49 Hz"
else fail "profile: sample count matches 49 Hz" "$total samples in 3 s"; fi

if [ "$(cut -d' ' -f1 "$TMP/folded" | sort | uniq -d | wc -l)" = 0 ]; then
	ok "profile: -f prints each stack once"
else
	fail "profile: -f prints each stack once" "$(cut -d' ' -f1 "$TMP/folded" | sort | uniq -d | head -2)"
fi

"$TOOL" -f -a -d -p "$BURN" 3 >"$TMP/annot" 2>&1
# (write() in libc keeps no frame pointer: its caller's frame is skipped.)
if grep -qE "^$COMM;.*bpfscope_profile_outer;[^-]*;-;([^;]*_\[k\];)+[^;]*_\[k\] [0-9]+$" "$TMP/annot"; then
	ok "profile: -a -d mark kernel frames and put - between user and kernel"
else
	fail "profile: -a -d mark kernel frames and put - between user and kernel" "$(head -c 400 "$TMP/annot")"
fi

"$TOOL" -p "$BURN" 2 >"$TMP/multi" 2>&1
if grep -q "^Sampling at 49 Hertz of PID $BURN by user + kernel stack for 2 secs.$" "$TMP/multi" &&
	grep -qx "    bpfscope_profile_burn" "$TMP/multi" &&
	grep -qE "^    -                $COMM \($BURN\)$" "$TMP/multi" &&
	grep -qE '^        [0-9]+$' "$TMP/multi"; then
	ok "profile: default output has the header, frames, comm (pid) and count"
else
	fail "profile: default output has the header, frames, comm (pid) and count" "$(head -c 400 "$TMP/multi")"
fi

"$TOOL" -U -f -a -p "$BURN" 2 >"$TMP/user" 2>&1
if grep -q bpfscope_profile_burn "$TMP/user" && ! grep -q '_\[k\]' "$TMP/user"; then
	ok "profile: -U shows user frames only"
else
	fail "profile: -U shows user frames only" "$(head -c 300 "$TMP/user")"
fi

"$TOOL" -K -f -a -p "$BURN" 2 >"$TMP/kernel" 2>&1
if ! grep -q bpfscope_profile "$TMP/kernel" && grep -q '_\[k\]' "$TMP/kernel"; then
	ok "profile: -K shows kernel frames only"
else
	fail "profile: -K shows kernel frames only" "$(head -c 300 "$TMP/kernel")"
fi

"$TOOL" -f -L "$BURN" -F 99 2 >"$TMP/tid" 2>&1
if grep -q "^$COMM;.*bpfscope_profile_burn" "$TMP/tid"; then ok "profile: -L TID and -F"
else fail "profile: -L TID and -F" "$(head -c 300 "$TMP/tid")"; fi

"$TOOL" --json -p "$BURN" 2 >"$TMP/json" 2>&1
if python3 - "$TMP/json" "$COMM" <<'EOF'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert rows, "no rows"
for r in rows:
    assert r["comm"] == sys.argv[2] and r["count"] > 0, r
    assert r["folded"].startswith(r["comm"] + ";"), r
assert any("bpfscope_profile_burn" in r["user_stack"] for r in rows), rows
EOF
then ok "profile: --json has one object per stack"
else fail "profile: --json has one object per stack" "$(head -c 300 "$TMP/json")"; fi

# Processes that live 0.3 s each: their stacks must be named before they exit.
(for i in 1 2 3 4 5 6 7 8; do timeout 0.3 "$TMP/$COMM" 10; done) &
loop=$!
"$TOOL" -f -F 99 4 >"$TMP/short" 2>&1
wait $loop
named=$(grep "^$COMM;" "$TMP/short" | grep -v "$BURN" | awk '/bpfscope_profile/ {n += $NF} END {print n + 0}')
all=$(grep "^$COMM;" "$TMP/short" | awk '{n += $NF} END {print n + 0}')
if [ "$all" -gt 0 ] && [ $((named * 100 / all)) -ge 80 ]; then
	ok "profile: short-lived processes are named"
else
	fail "profile: short-lived processes are named" "$named of $all samples named"
fi

start_tool "$TMP/sig" profile -f -C 0 -I
sleep 1.5
stop_tool INT
rc=$?
if [ $rc = 0 ] && [ -s "$TMP/sig" ] && ! grep -q . "$TMP/sig.err"; then
	ok "profile: SIGINT prints what was gathered and exits 0"
else
	fail "profile: SIGINT prints what was gathered and exits 0" "rc=$rc $(head -c 300 "$TMP/sig.err")"
fi

start=$(date +%s%N)
"$TOOL" -f 1 >/dev/null 2>&1
ms=$((($(date +%s%N) - start) / 1000000))
if [ "$ms" -ge 1000 ] && [ "$ms" -lt 3000 ]; then ok "profile: duration ends the run"
else fail "profile: duration ends the run" "took $ms ms for 1 s"; fi

# --- command line ---------------------------------------------------------

out=$("$TOOL" --help 2>&1)
if [ $? = 0 ] && grep -q -- "--stack-storage-size" <<<"$out" && grep -q "DURATION" <<<"$out"; then
	ok "profile: --help"
else
	fail "profile: --help" "$(head -3 <<<"$out")"
fi

bad_usage() {
	local name=$1 rc
	shift
	"$TOOL" "$@" >"$TMP/o" 2>"$TMP/e"
	rc=$?
	if [ $rc != 0 ] && [ "$(wc -l <"$TMP/e")" = 1 ] && grep -q "profile: " "$TMP/e" && [ ! -s "$TMP/o" ]; then
		ok "profile: $name"
	else
		fail "profile: $name" "rc=$rc $(cat "$TMP/e")"
	fi
}
bad_usage "-F and -c together is an error" -F 99 -c 1000
bad_usage "-U and -K together is an error" -U -K
bad_usage "-F 0 is an error" -F 0
bad_usage "non-numeric duration is an error" soon
bad_usage "offline CPU is an error" -C 4095
bad_usage "unknown option is an error" --bogus
bad_usage "-p with a pid that does not exist" -p 2147483646
bad_usage "-L with a tid that does not exist" -L 2147483646

run_as_nobody "$TOOL" 1 >"$TMP/o" 2>"$TMP/e"
rc=$?
if [ $rc != 0 ] && grep -q "needs root" "$TMP/e"; then ok "profile: unprivileged run says it needs root"
else fail "profile: unprivileged run says it needs root" "rc=$rc $(cat "$TMP/e")"; fi

# --- nothing left behind --------------------------------------------------

# Ids of BPF programs and maps profile creates (all named profile_*).
profile_objects() {
	{
		bpftool prog show 2>/dev/null | grep -E '^[0-9]+: .* name profile_'
		bpftool map show 2>/dev/null | grep -E '^[0-9]+: .* name profile_'
	} | cut -d: -f1 | sort
}

# The kernel frees a map an RCU grace period after its program: allow a moment.
left_behind() {
	local before=$1 i new
	for ((i = 0; i < 40; i++)); do
		new=$(profile_objects | comm -13 "$before" -)
		[ -z "$new" ] && return 0
		sleep 0.05
	done
	echo "$new" | tr '\n' ' '
	return 1
}

for sig in INT TERM; do
	for delay in 0.02 0.3 ready; do
		name="profile: SIG$sig ${delay/ready/after attach} leaves no program or map"
		profile_objects >"$TMP/before"
		if [ "$delay" = ready ]; then
			start_tool "$TMP/o" profile -p "$BURN" && sleep 0.5
			stop_tool "$sig"
		else
			"$TOOL" -p "$BURN" >/dev/null 2>&1 &
			pid=$!
			sleep "$delay"
			kill -"$sig" "$pid"
			wait "$pid"
		fi
		if left=$(left_behind "$TMP/before"); then ok "$name"
		else fail "$name" "left behind: $left"; fi
	done
done

exit 0

#!/bin/bash
# profile: sampled stacks name the functions a known CPU-bound program runs.
. "$(dirname "$0")/../lib.sh"
need cc bpftool setpriv python3 jq

TOOL=$BIN/profile
COMM=pfburn$$
COMM=${COMM:0:15}

# A program that burns CPU in functions with distinctive names, in user space
# (bpfscope_profile_burn) and in the kernel (bpfscope_profile_sys: writes);
# "burn SECS thread" burns in a second thread too (bpfscope_profile_thread).
cat >"$TMP/burn.c" <<'EOF'
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
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

__attribute__((noinline)) void bpfscope_profile_thread(volatile unsigned long *x)
{
	for (int i = 0; i < 100000; i++)
		*x += i;
}

static void *thread_main(void *arg)
{
	volatile unsigned long x = 0;

	(void)arg;
	for (;;)
		bpfscope_profile_thread(&x);
	return NULL;
}

int main(int argc, char **argv)
{
	int fd = open("/dev/null", O_WRONLY);
	pthread_t t;

	alarm(argc > 1 ? atoi(argv[1]) : 60);
	if (argc > 2 && !strcmp(argv[2], "thread") && pthread_create(&t, NULL, thread_main, NULL))
		return 1;
	for (;;)
		bpfscope_profile_outer(fd);
}
EOF
cc -O0 -g -fno-omit-frame-pointer -fno-inline -pthread -o "$TMP/$COMM" "$TMP/burn.c" ||
	bail_out "profile: build the test program" "cc failed"

"$TMP/$COMM" 120 &
BURN=$!
on_exit "kill $BURN"

# cpu_ticks PID[/task/TID]: CPU time the process (or thread) has used, in
# clock ticks (1/100 s): utime + stime of /proc/PID/stat.
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }

# sampled NAME HZ TARGET OUT ARGS...: run profile ARGS (without a duration)
# for 2 s of sampling and check that the samples it counted (the last field
# of each folded line, or "count" of JSON) match HZ times the CPU time TARGET
# used meanwhile: 60% to 130% of it, give or take 3.  A sample is taken on
# each CPU HZ times a second, and counted when TARGET runs there, so this
# holds however busy the machine is.
sampled() {
	local name=$1 hz=$2 target=$3 out=$4 t0 t1 n want
	shift 4
	if ! start_tool "$out" profile "$@"; then
		fail "$name" "did not start: $(head -c 300 "$out.err")"
		return 1
	fi
	t0=$(cpu_ticks "$target")
	sleep 2
	t1=$(cpu_ticks "$target")
	if ! stop_tool INT; then
		fail "$name" "exit status not 0: $(head -c 300 "$out.err")"
		return 1
	fi
	if [ "$(head -c 1 "$out")" = "{" ]; then
		n=$(jq -s '[.[].count] | add // 0' "$out")
	else
		n=$(awk '{ n += $NF } END { print n + 0 }' "$out")
	fi
	want=$((hz * (t1 - t0) / 100))
	if [ "$n" -lt $((want * 60 / 100 - 3)) ] || [ "$n" -gt $((want * 130 / 100 + 3)) ]; then
		fail "$name" "$n samples at $hz Hz while the target used $((t1 - t0))0 ms of CPU"
		return 1
	fi
	ok "$name ($n samples, $want expected)"
}

# --- what the samples show ------------------------------------------------

sampled "profile: 49 Hz by default: samples match the CPU time of the process" 49 "$BURN" \
	"$TMP/folded" -f -p "$BURN"
if grep -qE "^$COMM;.*main;bpfscope_profile_outer;bpfscope_profile_burn [0-9]+$" "$TMP/folded"; then
	ok "profile: -f -p names the user functions, callers first, with the comm"
else
	fail "profile: -f -p names the user functions, callers first, with the comm" \
		"$(head -c 400 "$TMP/folded") $(head -c 200 "$TMP/folded.err")"
fi

# -p: a twin of the same name burns beside it; only the chosen one is counted.
"$TMP/$COMM" 20 &
twin=$!
on_exit "kill $twin"
sampled "profile: -p -F 99: samples match the CPU time of that process, not its twin's" 99 \
	"$BURN" "$TMP/pid" --json -F 99 -p "$BURN"
pids=$(jq -r .pid "$TMP/pid" 2>&1 | sort -u | tr '\n' ' ')
if [ "$pids" = "$BURN " ]; then ok "profile: -p shows that process only"
else fail "profile: -p shows that process only" "pids $pids(wanted $BURN, its twin is $twin)"; fi
kill $twin
wait $twin 2>/dev/null

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

# -L: a process whose second thread burns in bpfscope_profile_thread.
"$TMP/$COMM" 20 thread &
threads=$!
on_exit "kill $threads"
for ((i = 0; i < 40; i++)); do
	worker=$(ls "/proc/$threads/task" 2>/dev/null | grep -vx "$threads")
	[ -n "$worker" ] && break
	sleep 0.05
done
sampled "profile: -L TID -F 99: samples match the CPU time of that thread" 99 \
	"$threads/task/$worker" "$TMP/tid" -f -F 99 -L "$worker"
if grep -q "^$COMM;.*bpfscope_profile_thread [0-9]*$" "$TMP/tid" &&
	! grep -q bpfscope_profile_outer "$TMP/tid"; then
	ok "profile: -L TID shows that thread only"
else
	fail "profile: -L TID shows that thread only" "thread $worker: $(head -c 300 "$TMP/tid")"
fi
kill $threads
wait $threads 2>/dev/null

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
# (Their own name: the long-running burner's samples must not count.)
SHORT=pfshort$$
SHORT=${SHORT:0:15}
cp "$TMP/$COMM" "$TMP/$SHORT"
(for i in 1 2 3 4 5 6 7 8; do timeout 0.3 "$TMP/$SHORT" 10; done) &
loop=$!
"$TOOL" -f -F 99 4 >"$TMP/short" 2>&1
wait $loop
named=$(grep "^$SHORT;" "$TMP/short" | awk '/bpfscope_profile/ {n += $NF} END {print n + 0}')
all=$(grep "^$SHORT;" "$TMP/short" | awk '{n += $NF} END {print n + 0}')
# 8 x 0.3 s at 99 Hz: up to 237 samples, fewer on a busy machine.
if [ "$all" -ge 20 ] && [ $((named * 100 / all)) -ge 80 ]; then
	ok "profile: short-lived processes are named"
else
	fail "profile: short-lived processes are named" "$named of $all samples named"
fi

if start_tool "$TMP/sig" profile -f -C 0 -I; then
	sleep 1.5
	stop_tool INT
	rc=$?
else
	rc="none (did not start)"
fi
# (Stacks lost to a slot taken in the stack map are a warning, not an error: with
# -I and every process on CPU 0, seen once when other tests ran beside it.)
if [ "$rc" = 0 ] && [ -s "$TMP/sig" ] &&
	! grep -v '^profile: [0-9]* stack traces lost and could not be displayed' "$TMP/sig.err" |
	grep -q .; then
	ok "profile: SIGINT prints what was gathered and exits 0"
else
	fail "profile: SIGINT prints what was gathered and exits 0" "rc=$rc $(head -c 300 "$TMP/sig.err")"
fi

# (At nice -10: the burner spins beside it, other tests may load the CPUs, and
# its start and symbolization must not be what takes the time.)
start=$(date +%s%N)
nice -n -10 "$TOOL" -f 1 >/dev/null 2>&1
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

# (check_clean_stop: tests/lib.sh)
for sig in INT TERM; do
	for delay in 0.02 0.3 ready; do
		check_clean_stop "profile: SIG$sig ${delay/ready/after attach} leaves no program or map" \
			"$sig" "$delay" profile -p "$BURN"
	done
done

// SPDX-License-Identifier: GPL-2.0
/*
 * A sleeper and its waker with distinctive names, for the off-CPU tools'
 * tests (offcputime, wakeuptime, offwaketime):
 *
 *   offcputime_wake TARGET_NAME WAKER_NAME MS ROUNDS
 *
 * Forks a target, named TARGET_NAME, that reads a pipe in
 * bpfscope_offcpu_wait(); the waker (this process, named WAKER_NAME) waits
 * for a byte on stdin (the test's "go", once its tools are attached), writes
 * one byte to free the target from any read begun before, then ROUNDS times
 * sleeps MS milliseconds in bpfscope_offcpu_nap() and writes a byte in
 * bpfscope_offcpu_wake().  Both then print what they measured and wait for
 * the end of stdin (the test reads the tools' output meanwhile, while both
 * still run and their stacks can be named):
 *
 *   target PID waker PID
 *   span_us N     the first write to the last: what the target was blocked in
 *   nap_us N      the time spent in the ROUNDS sleeps, each measured around it
 *
 * The system calls are made from those functions themselves (inline
 * "syscall", x86_64): a libc wrapper without a frame pointer would hide its
 * caller from a frame-pointer walk.  Exits after 60 seconds in any case.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SYSCALL3(nr, a, b, c)                                                              \
	({                                                                                 \
		long ret_;                                                                 \
		__asm__ volatile("syscall"                                                 \
				 : "=a"(ret_)                                              \
				 : "a"((long)(nr)), "D"((long)(a)), "S"((long)(b)), "d"((long)(c)) \
				 : "rcx", "r11", "memory");                                \
		ret_;                                                                      \
	})

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/* The target: blocked reading the pipe until the waker writes, n times. */
__attribute__((noinline)) int bpfscope_offcpu_wait(int fd, long n)
{
	char c;

	for (long i = 0; i < n; i++)
		if (SYSCALL3(SYS_read, fd, &c, 1) != 1)
			return -1;
	return 0;
}

__attribute__((noinline)) long bpfscope_offcpu_nap(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	return SYSCALL3(SYS_nanosleep, &ts, 0, 0);
}

__attribute__((noinline)) long bpfscope_offcpu_wake(int fd)
{
	char c = 'w';

	return SYSCALL3(SYS_write, fd, &c, 1);
}

static void wait_stdin_end(void)
{
	char buf[64];

	while (read(0, buf, sizeof(buf)) > 0)
		;
}

static void target(int fd, const char *name, long rounds)
{
	prctl(PR_SET_NAME, name);
	/* The byte that frees a read begun before the go, then one per round. */
	if (bpfscope_offcpu_wait(fd, rounds + 1))
		exit(1);
	wait_stdin_end();
	exit(0);
}

int main(int argc, char **argv)
{
	long ms, rounds, nap = 0;
	long long first, t0;
	int p[2];
	pid_t pid;
	char c;

	if (argc != 5 || (ms = atol(argv[3])) <= 0 || (rounds = atol(argv[4])) <= 0) {
		fprintf(stderr, "usage: offcputime_wake TARGET_NAME WAKER_NAME MS ROUNDS\n");
		return 2;
	}
	alarm(60);
	if (pipe(p))
		return 1;
	pid = fork();
	if (pid < 0)
		return 1;
	if (!pid)
		target(p[0], argv[1], rounds);
	prctl(PR_SET_NAME, argv[2]);
	printf("target %d waker %d\n", pid, getpid());
	fflush(stdout);
	if (read(0, &c, 1) != 1)
		return 1;
	first = now_us();
	if (bpfscope_offcpu_wake(p[1]) != 1)
		return 1;
	for (long i = 0; i < rounds; i++) {
		t0 = now_us();
		bpfscope_offcpu_nap(ms);
		nap += now_us() - t0;
		if (bpfscope_offcpu_wake(p[1]) != 1)
			return 1;
	}
	printf("span_us %lld\nnap_us %ld\n", now_us() - first, nap);
	fflush(stdout);
	wait_stdin_end();
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return 0;
}

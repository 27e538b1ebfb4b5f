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
 *   span_us N     the first write to the last
 *   nap_us N      the time spent in the ROUNDS sleeps, each measured around it
 *   read_us N     the time the target spent in its ROUNDS reads, each measured
 *                 around it: its time off-CPU in them is within
 *   block_us N    the sum, over the rounds, of the time from the target's
 *                 read to the waker's write (0 when the write came first):
 *                 its time asleep until woken
 *
 * The system calls are made from those functions themselves (inline
 * "syscall", x86_64): a libc wrapper without a frame pointer would hide its
 * caller from a frame-pointer walk.  Exits after 60 seconds in any case.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define SYSCALL3(nr, a, b, c)                                                                      \
	({                                                                                         \
		long ret_;                                                                         \
		__asm__ volatile("syscall"                                                         \
				 : "=a"(ret_)                                                      \
				 : "a"((long)(nr)), "D"((long)(a)), "S"((long)(b)), "d"((long)(c)) \
				 : "rcx", "r11", "memory");                                        \
		ret_;                                                                              \
	})

#define MAX_ROUNDS 1000

/* Shared by both processes: when each read began, and each write. */
static struct times {
	long long read_at[MAX_ROUNDS + 1], write_at[MAX_ROUNDS + 1];
	long long read_us; /* sum of the reads' durations, rounds 1.. */
} * shared;

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

/* The target: blocked reading the pipe until the waker writes, n times. */
__attribute__((noinline)) int bpfscope_offcpu_wait(int fd, long n)
{
	long long t0;
	char c;

	for (long i = 0; i < n; i++) {
		t0 = now_us();
		shared->read_at[i] = t0;
		if (SYSCALL3(SYS_read, fd, &c, 1) != 1)
			return -1;
		if (i)
			shared->read_us += now_us() - t0;
	}
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
	long long block = 0;

	prctl(PR_SET_NAME, name);
	/* The byte that frees a read begun before the go, then one per round. */
	if (bpfscope_offcpu_wait(fd, rounds + 1))
		exit(1);
	for (long i = 1; i <= rounds; i++)
		if (shared->write_at[i] > shared->read_at[i])
			block += shared->write_at[i] - shared->read_at[i];
	printf("read_us %lld\nblock_us %lld\n", shared->read_us, block);
	fflush(stdout);
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

	if (argc != 5 || (ms = atol(argv[3])) <= 0 || (rounds = atol(argv[4])) <= 0 ||
	    rounds > MAX_ROUNDS) {
		fprintf(stderr, "usage: offcputime_wake TARGET_NAME WAKER_NAME MS ROUNDS\n");
		return 2;
	}
	alarm(60);
	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
		      0);
	if (shared == MAP_FAILED || pipe(p))
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
		shared->write_at[i + 1] = now_us();
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

// SPDX-License-Identifier: GPL-2.0
/*
 * futexctn's workload: ROUNDS waits for lock1 by a second thread, then ROUNDS
 * waits for lock2 by the main thread, each wait HOLD_MS long (the other
 * thread holds the mutex that long).  The waits happen in a function named
 * MARKER (-DMARKER=name) with frame pointers, so a user stack shows it.
 *
 *	futexctn_contend ROUNDS HOLD_MS
 * prints "PID TID_MAIN TID_SECOND LOCK1 LOCK2", waits for a line on stdin,
 * does the rounds, prints "done", and exits at end of file on stdin.
 * The threads hand the turn over through pipes, so no other futex is waited on.
 * The holder starts its HOLD_MS only once the waiter sleeps in futex(2), so a
 * waiter scheduled late still waits the whole time, and every round contends.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef MARKER
#define MARKER futexctn_marker_wait
#endif

static pthread_mutex_t lock1 = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock2 = PTHREAD_MUTEX_INITIALIZER;
static int rounds, hold_ms;
static int to_second[2], to_main[2];
static volatile pid_t second_tid, main_tid;

static void hold(void)
{
	struct timespec ts = { hold_ms / 1000, (hold_ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Wait (up to 5 s) until thread tid is blocked in futex(2). */
static void wait_asleep(pid_t tid)
{
	struct timespec tick = { 0, 200000 };
	char path[64], buf[32];

	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", (int)tid);
	for (int i = 0; i < 25000; i++) {
		FILE *f = fopen(path, "r");
		int nr = -1;

		if (f && fgets(buf, sizeof(buf), f))
			nr = atoi(buf);
		if (f)
			fclose(f);
		if (!f || nr == SYS_futex)
			return;
		nanosleep(&tick, NULL);
	}
}

static void pass(int fd)
{
	char c = 0;

	if (write(fd, &c, 1) != 1)
		exit(1);
}

static void await(int fd)
{
	char c;

	if (read(fd, &c, 1) != 1)
		exit(1);
}

__attribute__((noinline)) static void take(pthread_mutex_t *m)
{
	pthread_mutex_lock(m);
	__asm__ volatile("" ::: "memory");
}

/* The waiter: the other thread holds m, and lets go after HOLD_MS. */
__attribute__((noinline)) void MARKER(pthread_mutex_t *m)
{
	take(m);
	pthread_mutex_unlock(m);
	__asm__ volatile("" ::: "memory");
}

/*
 * holder: lock, let the waiter go, hold from when it sleeps, unlock, wait for
 * the waiter to be done.
 */
static void holder(pthread_mutex_t *m, int go, int done, pid_t waiter)
{
	pthread_mutex_lock(m);
	pass(go);
	wait_asleep(waiter);
	hold();
	pthread_mutex_unlock(m);
	await(done);
}

static void *second(void *arg)
{
	(void)arg;
	second_tid = gettid();
	pass(to_main[1]);
	for (int i = 0; i < rounds; i++) {
		await(to_second[0]);
		MARKER(&lock1);
		pass(to_main[1]);
	}
	for (int i = 0; i < rounds; i++)
		holder(&lock2, to_main[1], to_second[0], main_tid);
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t;
	char line[64];

	if (argc != 3 || pipe(to_second) || pipe(to_main))
		return 2;
	rounds = atoi(argv[1]);
	main_tid = gettid();
	hold_ms = atoi(argv[2]);
	if (pthread_create(&t, NULL, second, NULL))
		return 1;
	await(to_main[0]);
	printf("%d %d %d %p %p\n", getpid(), gettid(), second_tid, (void *)&lock1, (void *)&lock2);
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		return 1;
	for (int i = 0; i < rounds; i++)
		holder(&lock1, to_second[1], to_main[0], second_tid);
	for (int i = 0; i < rounds; i++) {
		await(to_main[0]);
		MARKER(&lock2);
		pass(to_second[1]);
	}
	pthread_join(t, NULL);
	printf("done\n");
	fflush(stdout);
	while (fgets(line, sizeof(line), stdin))
		;
	return 0;
}

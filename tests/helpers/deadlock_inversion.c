// SPDX-License-Identifier: GPL-2.0
/*
 * deadlock's workload: once a line can be read from GATE (a FIFO; "-": none),
 * a thread takes mutex A then B (deadlock_marked_ab), and after it has ended
 * another takes B then A (deadlock_marked_ba): a lock order inversion that
 * never deadlocks.  With "ordered" both take A then B.  Prints its PID, then
 * the addresses of A and B, to PIDFILE; sleeps SECS, exits.
 *	deadlock_inversion PIDFILE GATE SECS [ordered]
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pthread_mutex_t mutex_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t mutex_b = PTHREAD_MUTEX_INITIALIZER;

/* Each mutex is taken in a function of its own, to tell the sites of one thread apart. */
__attribute__((noinline)) void lock_marked_first(pthread_mutex_t *m)
{
	pthread_mutex_lock(m);
	__asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) void lock_marked_second(pthread_mutex_t *m)
{
	pthread_mutex_lock(m);
	__asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) static void *deadlock_marked_ab(void *arg)
{
	lock_marked_first(&mutex_a);
	lock_marked_second(&mutex_b);
	pthread_mutex_unlock(&mutex_b);
	pthread_mutex_unlock(&mutex_a);
	return arg;
}

__attribute__((noinline)) static void *deadlock_marked_ba(void *arg)
{
	lock_marked_first(&mutex_b);
	lock_marked_second(&mutex_a);
	pthread_mutex_unlock(&mutex_a);
	pthread_mutex_unlock(&mutex_b);
	return arg;
}

static void run(void *(*fn)(void *))
{
	pthread_t t;

	if (pthread_create(&t, NULL, fn, NULL) || pthread_join(t, NULL))
		exit(1);
}

int main(int argc, char **argv)
{
	char line[16];
	FILE *f;

	if (argc < 4)
		return 2;
	f = fopen(argv[1], "w");
	if (!f)
		return 1;
	fprintf(f, "%d\n%p\n%p\n", getpid(), (void *)&mutex_a, (void *)&mutex_b);
	fclose(f);
	if (strcmp(argv[2], "-")) {
		f = fopen(argv[2], "r");
		if (!f || !fgets(line, sizeof(line), f))
			return 1;
		fclose(f);
	}
	run(deadlock_marked_ab);
	run(argc > 4 && !strcmp(argv[4], "ordered") ? deadlock_marked_ab : deadlock_marked_ba);
	sleep(atoi(argv[3]));
	return 0;
}

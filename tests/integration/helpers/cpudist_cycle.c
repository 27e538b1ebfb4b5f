// SPDX-License-Identifier: GPL-2.0
/*
 * A known work/sleep cycle for test_cpudist.sh and test_runqslower.sh:
 *
 *   cpudist_cycle NAME THREADS WORK_US SLEEP_US CYCLES
 *
 * Names every thread NAME, starts THREADS threads, and waits until a byte can
 * be read from stdin (the test's "go", once its tools are attached).  Then
 * each thread runs CYCLES times: busy WORK_US microseconds (by the clock),
 * then sleeps SLEEP_US (none if 0).  When all are done it prints "done" and
 * waits for the end of stdin, blocked (a test reads its counters then).
 * Exits after 60 seconds in any case, should the test be gone.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

static const char *name;
static long work_us, sleep_us, cycles;
static pthread_barrier_t go;

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static void *cycle(void *arg)
{
	struct timespec nap = { sleep_us / 1000000, sleep_us % 1000000 * 1000 };
	volatile unsigned long sink = 0;
	long long end;
	long i;

	(void)arg;
	prctl(PR_SET_NAME, name, 0, 0, 0);
	pthread_barrier_wait(&go);
	for (i = 0; i < cycles; i++) {
		for (end = now_us() + work_us; now_us() < end;)
			sink++;
		if (sleep_us)
			nanosleep(&nap, NULL);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t[16];
	int i, threads;
	char c;

	if (argc != 6) {
		fprintf(stderr, "usage: cpudist_cycle NAME THREADS WORK_US SLEEP_US CYCLES\n");
		return 2;
	}
	name = argv[1];
	threads = atoi(argv[2]);
	work_us = atol(argv[3]);
	sleep_us = atol(argv[4]);
	cycles = atol(argv[5]);
	if (threads < 1 || threads > 16)
		return 2;
	alarm(60);
	prctl(PR_SET_NAME, name, 0, 0, 0);
	pthread_barrier_init(&go, NULL, threads);
	for (i = 1; i < threads; i++)
		pthread_create(&t[i], NULL, cycle, NULL);
	if (read(0, &c, 1) != 1)
		return 1;
	cycle(NULL);
	for (i = 1; i < threads; i++)
		pthread_join(t[i], NULL);
	printf("done\n");
	fflush(stdout);
	while (read(0, &c, 1) > 0)
		;
	return 0;
}

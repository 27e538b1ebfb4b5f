// SPDX-License-Identifier: GPL-2.0
/*
 * spin SECONDS [sys|thread]: burn CPU in functions with distinctive names
 * (profile, runqlat tests).  "sys" also writes to /dev/null from
 * bpfscope_spin_sys, so that samples land in the kernel; "thread" burns in a
 * second thread too, in bpfscope_spin_thread.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

volatile unsigned long spin_sink;
static int devnull = -1;

__attribute__((noinline)) void bpfscope_spin_inner(void)
{
	unsigned long i;

	for (i = 0; i < 100000; i++)
		spin_sink += i;
}

__attribute__((noinline)) void bpfscope_spin_sys(void)
{
	char c = 0;
	int i;

	for (i = 0; i < 1000; i++)
		if (write(devnull, &c, 1) < 0)
			exit(1);
}

__attribute__((noinline)) void bpfscope_spin_thread(void)
{
	unsigned long i;

	for (i = 0; i < 100000; i++)
		spin_sink += i;
}

static void *thread_main(void *arg)
{
	(void)arg;
	for (;;)
		bpfscope_spin_thread();
	return NULL;
}

__attribute__((noinline)) void bpfscope_spin_outer(double secs)
{
	struct timespec start, now;

	clock_gettime(CLOCK_MONOTONIC, &start);
	do {
		bpfscope_spin_inner();
		if (devnull >= 0)
			bpfscope_spin_sys();
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (now.tv_sec - start.tv_sec + (now.tv_nsec - start.tv_nsec) / 1e9 < secs);
}

int main(int argc, char **argv)
{
	pthread_t t;

	if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "sys") && strcmp(argv[2], "thread"))) {
		fprintf(stderr, "usage: spin SECONDS [sys|thread]\n");
		return 2;
	}
	if (argc == 3 && !strcmp(argv[2], "sys") && (devnull = open("/dev/null", O_WRONLY)) < 0) {
		perror("/dev/null");
		return 1;
	}
	if (argc == 3 && !strcmp(argv[2], "thread") && pthread_create(&t, NULL, thread_main, NULL)) {
		fprintf(stderr, "spin: cannot create a thread\n");
		return 1;
	}
	bpfscope_spin_outer(atof(argv[1]));
	return 0;
}

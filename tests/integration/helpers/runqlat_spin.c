// SPDX-License-Identifier: GPL-2.0
/*
 * CPU load for test_runqlat.sh: runqlat_spin NAME [THREADS] busy-loops in
 * THREADS threads (default 1), all named NAME, and exits after 120 seconds
 * in case the test that started it is gone.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

static const char *name;

static void *spin(void *arg)
{
	volatile unsigned long n = 0;

	(void)arg;
	prctl(PR_SET_NAME, name, 0, 0, 0);
	for (;;)
		n++;
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t t;
	int i, threads;

	if (argc < 2) {
		fprintf(stderr, "usage: runqlat_spin NAME [THREADS]\n");
		return 2;
	}
	name = argv[1];
	threads = argc > 2 ? atoi(argv[2]) : 1;
	alarm(120);
	for (i = 1; i < threads; i++)
		pthread_create(&t, NULL, spin, NULL);
	spin(NULL);
	return 0;
}

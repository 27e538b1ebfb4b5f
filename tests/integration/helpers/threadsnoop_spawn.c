// SPDX-License-Identifier: GPL-2.0
/*
 * threadsnoop's workload: names itself argv[1] (the test's marker), writes
 * its PID to argv[2], then creates argv[3] threads through pthread_create(),
 * each running threadsnoop_marked_routine, and writes their TIDs to argv[2]
 * too, one a line, after the PID.  It stays a second more, so that its
 * symbols can be read from /proc/PID/maps after the events.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

static pid_t tids[64];

__attribute__((noinline)) void *threadsnoop_marked_routine(void *arg)
{
	tids[(long)arg] = gettid();
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t th[64];
	FILE *f;
	long i, n;

	if (argc != 4 || (n = atol(argv[3])) < 1 || n > 64)
		return 2;
	prctl(PR_SET_NAME, argv[1]);
	f = fopen(argv[2], "w");
	if (!f)
		return 1;
	fprintf(f, "%d\n", getpid());
	for (i = 0; i < n; i++) {
		if (pthread_create(&th[i], NULL, threadsnoop_marked_routine, (void *)i))
			return 1;
		pthread_join(th[i], NULL);
		fprintf(f, "%d\n", tids[i]);
	}
	if (fclose(f))
		return 1;
	sleep(1);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Known counts for test_llcstat.sh (under BPFSCOPE_PMU=software, page faults
 * stand in for cache references and context switches for misses):
 * llcstat_work NAME PAGES SLEEPS [thread] names itself NAME, writes to PAGES
 * fresh pages (one fault each) and sleeps SLEEPS times (one switch each), in
 * a second thread with "thread".  At the end it prints what the kernel
 * counted for the process (getrusage): "faults N switches N".
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

static long pages, sleeps;

static void *work(void *arg)
{
	long page = sysconf(_SC_PAGESIZE), i;
	char *p = mmap(NULL, pages * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
		       0);

	(void)arg;
	if (p == MAP_FAILED)
		exit(1);
	madvise(p, pages * page, MADV_NOHUGEPAGE);
	for (i = 0; i < pages; i++)
		p[i * page] = 1;
	for (i = 0; i < sleeps; i++)
		usleep(2000);
	return NULL;
}

int main(int argc, char **argv)
{
	struct rusage ru;
	pthread_t t;

	if (argc < 4) {
		fprintf(stderr, "usage: llcstat_work NAME PAGES SLEEPS [thread]\n");
		return 2;
	}
	prctl(PR_SET_NAME, argv[1], 0, 0, 0);
	pages = atol(argv[2]);
	sleeps = atol(argv[3]);
	if (argc > 4 && !strcmp(argv[4], "thread")) {
		if (pthread_create(&t, NULL, work, NULL) || pthread_join(t, NULL))
			return 1;
	} else {
		work(NULL);
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("faults %ld switches %ld\n", ru.ru_minflt + ru.ru_majflt,
	       ru.ru_nvcsw + ru.ru_nivcsw);
	return 0;
}

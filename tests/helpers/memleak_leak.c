// SPDX-License-Identifier: GPL-2.0
/*
 * memleak's workload: once a line can be read from GATE (a FIFO; "-" for
 * none), leak N blocks of SIZE bytes in memleak_marked_leak(), allocate and
 * free blocks of SIZE+1 bytes in memleak_marked_freed(), leak 3 blocks of
 * SMALL bytes in memleak_marked_small(); then sleep SECS and exit.  Its PID
 * is written to PIDFILE first.
 *	memleak_leak PIDFILE GATE SIZE N SMALL SECS
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *volatile kept[1024];
static int nkept;

__attribute__((noinline)) void memleak_marked_leak(size_t size)
{
	kept[nkept++ % 1024] = malloc(size);
}

__attribute__((noinline)) void memleak_marked_freed(size_t size)
{
	void *volatile p = malloc(size);

	memset(p, 1, size);
	free(p);
}

__attribute__((noinline)) void memleak_marked_small(size_t size)
{
	kept[nkept++ % 1024] = calloc(1, size);
}

int main(int argc, char **argv)
{
	char line[16];
	FILE *f;
	int n;

	if (argc != 7)
		return 2;
	f = fopen(argv[1], "w");
	if (!f)
		return 1;
	fprintf(f, "%d\n", getpid());
	fclose(f);
	if (strcmp(argv[2], "-")) {
		f = fopen(argv[2], "r");
		if (!f || !fgets(line, sizeof(line), f))
			return 1;
		fclose(f);
	}
	n = atoi(argv[4]);
	for (int i = 0; i < n; i++)
		memleak_marked_leak(atoi(argv[3]));
	for (int i = 0; i < 5; i++)
		memleak_marked_freed(atoi(argv[3]) + 1);
	for (int i = 0; i < 3; i++)
		memleak_marked_small(atoi(argv[5]));
	sleep(atoi(argv[6]));
	return 0;
}

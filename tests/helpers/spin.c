// SPDX-License-Identifier: GPL-2.0
/* spin SECONDS: burn CPU in a function with a distinctive name (profile, runqlat tests). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

volatile unsigned long spin_sink;

__attribute__((noinline)) void bpfscope_spin_inner(void)
{
	unsigned long i;

	for (i = 0; i < 100000; i++)
		spin_sink += i;
}

__attribute__((noinline)) void bpfscope_spin_outer(double secs)
{
	struct timespec start, now;

	clock_gettime(CLOCK_MONOTONIC, &start);
	do {
		bpfscope_spin_inner();
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (now.tv_sec - start.tv_sec + (now.tv_nsec - start.tv_nsec) / 1e9 < secs);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: spin SECONDS\n");
		return 2;
	}
	bpfscope_spin_outer(atof(argv[1]));
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Compare lib/usyms.c and lib/elf.c with elfutils' libdwfl on the job profile
 * gives them: resolve addresses spread over the code of several processes.
 *   bench PID...   (build: build.sh OUTDIR bench, needs libdw-dev)
 * For each pid, 1000 addresses inside its executable file mappings are
 * resolved; the first pid is the cold case.
 */
#include <elfutils/libdwfl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "usyms.h"

#define PER_PID	 1000
#define MAX_PIDS 64

static uint64_t addrs[MAX_PIDS][PER_PID];

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Addresses spread evenly over the executable file mappings of pid. */
static int pick_addrs(int pid, uint64_t *out)
{
	unsigned long long start[64], end[64], total = 0, step, a;
	char path[64], line[512], perms[8];
	int n = 0, k = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (n < 64 && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx-%llx %7s", &start[n], &end[n], perms) == 3 &&
		    perms[2] == 'x' && strchr(line, '/')) {
			total += end[n] - start[n];
			n++;
		}
	}
	fclose(f);
	step = total / PER_PID + 1;
	for (int i = 0; i < n; i++) {
		for (a = start[i]; a < end[i] && k < PER_PID; a += step)
			out[k++] = a;
	}
	while (k < PER_PID)
		out[k++] = start[0];
	return 0;
}

static const Dwfl_Callbacks callbacks = {
	.find_elf = dwfl_linux_proc_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
};

static int bench_dwfl(int npids, int *pids)
{
	int named = 0;

	for (int p = 0; p < npids; p++) {
		Dwfl *dwfl = dwfl_begin(&callbacks);

		dwfl_report_begin(dwfl);
		dwfl_linux_proc_report(dwfl, pids[p]);
		dwfl_report_end(dwfl, NULL, NULL);
		for (int i = 0; i < PER_PID; i++) {
			Dwfl_Module *m = dwfl_addrmodule(dwfl, addrs[p][i]);

			named += m && dwfl_module_addrname(m, addrs[p][i]);
		}
		dwfl_end(dwfl);
	}
	return named;
}

static int bench_syms(int npids, int *pids)
{
	struct usyms *us = usyms_new();
	int named = 0;
	struct sym s;

	for (int p = 0; p < npids; p++) {
		for (int i = 0; i < PER_PID; i++)
			named += usyms_resolve(us, pids[p], addrs[p][i], &s);
	}
	usyms_free(us);
	return named;
}

int main(int argc, char **argv)
{
	int pids[MAX_PIDS], n = 0, named;
	double t;

	for (int i = 1; i < argc && n < MAX_PIDS; i++) {
		pids[n] = atoi(argv[i]);
		if (!pick_addrs(pids[n], addrs[n]))
			n++;
	}
	if (!n) {
		fprintf(stderr, "usage: bench PID...\n");
		return 2;
	}
	for (int round = 0; round < 2; round++) {
		t = now_ms();
		named = bench_syms(1, pids);
		printf("usyms   1 pid:   %7.2f ms  %d/%d named\n", now_ms() - t, named, PER_PID);
		t = now_ms();
		named = bench_syms(n, pids);
		printf("usyms   %d pids: %7.2f ms  %d/%d named\n", n, now_ms() - t, named,
		       n * PER_PID);
		t = now_ms();
		named = bench_dwfl(1, pids);
		printf("libdwfl 1 pid:   %7.2f ms  %d/%d named\n", now_ms() - t, named, PER_PID);
		t = now_ms();
		named = bench_dwfl(n, pids);
		printf("libdwfl %d pids: %7.2f ms  %d/%d named\n", n, now_ms() - t, named,
		       n * PER_PID);
	}
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CPUDIST_H
#define CPUDIST_H

#include "shared.h"
#define MAX_SLOTS     36    /* log2 slots: 2^35 usecs is 9.5 hours (off-CPU times are long) */
#define START_ENTRIES 10240 /* -O: tasks that went off-CPU, at least */
#define MAX_HISTS     10240 /* histograms per interval with -P or -L */

/* What a histogram is kept for. */
enum hist_by {
	BY_NONE, /* one histogram for everything traced */
	BY_PID,	 /* -P: per process (tgid) */
	BY_TID,	 /* -L: per thread */
};

struct hist {
	__u64 slots[MAX_SLOTS];
	char comm[TASK_COMM_LEN];
};

#endif

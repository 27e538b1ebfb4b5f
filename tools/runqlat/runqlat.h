/* SPDX-License-Identifier: GPL-2.0 */
#ifndef RUNQLAT_H
#define RUNQLAT_H

#include "shared.h"
#define MAX_SLOTS 32		/* log2 slots: 2^31 usecs is 35 minutes */
#define START_ENTRIES 10240	/* tasks with a run queue entry, at least */
#define MAX_HISTS 10240		/* histograms per interval with -P, -L or --pidnss */

/* What a histogram is kept for. */
enum hist_by {
	BY_NONE,	/* one histogram for everything traced */
	BY_PID,		/* -P: per process (tgid) */
	BY_TID,		/* -L: per thread */
	BY_PIDNS,	/* --pidnss: per PID namespace (inode number) */
};

struct hist {
	__u64 slots[MAX_SLOTS];
	char comm[TASK_COMM_LEN];
};

#endif

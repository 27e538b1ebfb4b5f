/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BIOSTACKS_H
#define BIOSTACKS_H

#include "shared.h"
#include "stack_types.h"

#define MAX_SLOTS 32	/* log2 slots: 2^31 usecs is 35 minutes */
#define MAX_HISTS 10240 /* (submitter, stack, disk) histograms */

/* A histogram per submitting process, its kernel stack and the disk. */
struct bs_key {
	struct stack_key stack; /* pid, kernel stack, comm (no user stack) */
	__u32 dev;
};

struct bs_hist {
	__u64 slots[MAX_SLOTS];
};

#endif

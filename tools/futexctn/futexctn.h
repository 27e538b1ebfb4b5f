/* SPDX-License-Identifier: GPL-2.0 */
#ifndef FUTEXCTN_H
#define FUTEXCTN_H

#include "shared.h"
#include "stack_types.h"

#define MAX_SLOTS   32	  /* log2 slots: 2^31 usecs is 35 minutes */
#define MAX_HISTS   10240 /* (thread, lock, stack) histograms per interval */
#define START_ROOM  10240 /* threads waiting at once, at least */
#define STACKS_ROOM 1024  /* --stack-storage-size default, as upstream */

/* A histogram per waiting thread (-s: process), futex word and user stack. */
struct ctn_key {
	struct stack_key stack; /* pid, the user stack (-1 with -s), comm */
	__u32 tid;		/* -s: the process */
	__u32 pad;
	__u64 uaddr;
};

/* Wait times: slots in the unit shown, the rest in nanoseconds. */
struct ctn_hist {
	__u64 slots[MAX_SLOTS];
	__u64 count;
	__u64 total_ns;
	__u64 min_ns;
	__u64 max_ns;
};

#endif

/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KLOCKSTAT_H
#define KLOCKSTAT_H

#include "shared.h"
#include "stack_types.h"

#define MAX_ENTRIES 16384 /* locks held or waited for at once; stacks; statistics */

/* Per caller stack (-P: per thread), times in nanoseconds. */
struct lock_stat {
	__u64 acq_count;
	__u64 acq_total_time;
	__u64 acq_max_time;
	__u64 acq_max_id; /* tgid << 32 | tid of the longest wait */
	__u64 acq_max_lock_ptr;
	char acq_max_comm[TASK_COMM_LEN]; /* -P: the thread's */
	__u64 hld_count;
	__u64 hld_total_time;
	__u64 hld_max_time;
	__u64 hld_max_id;
	__u64 hld_max_lock_ptr;
	char hld_max_comm[TASK_COMM_LEN];
};

#endif

/* SPDX-License-Identifier: GPL-2.0 */
#ifndef RUNQSLOWER_H
#define RUNQSLOWER_H

#include "shared.h"
#define START_ENTRIES  10240 /* tasks with a run queue entry, at least */
#define MIN_US_DEFAULT 10000

/* A task that waited at least min_us on a run queue, and the one it followed. */
struct rq_event {
	__u64 ts_ns;
	__u64 delta_us;
	__u32 pid;
	__u32 tid;
	__u32 prev_tid;
	char comm[TASK_COMM_LEN];
	char prev_comm[TASK_COMM_LEN];
};

#endif

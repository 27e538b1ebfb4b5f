/* SPDX-License-Identifier: GPL-2.0 */
#ifndef DRSNOOP_H
#define DRSNOOP_H

#include "shared.h"

#define START_ENTRIES 1024 /* threads in reclaim at once; sized to the threads alive */

enum reclaim_kind {
	RECLAIM_DIRECT, /* the page allocator's direct reclaim */
	RECLAIM_MEMCG,	/* a cgroup's memory limit (--memcg) */
};

struct reclaim_event {
	__u64 ts_ns;
	__u64 delta_ns;
	__u64 nr_reclaimed;
	__u32 pid;
	__u32 tid;
	__u32 uid;
	__u32 kind;
	char comm[TASK_COMM_LEN];
};

#endif

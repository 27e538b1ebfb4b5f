/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CACHETOP_H
#define CACHETOP_H

#include "pagecache.h"
#include "shared.h"

#define MAX_PROCS 8192 /* processes counted in one interval, at most */

/* Per process (the key: its PID), drained by user space each interval. */
struct proc_stat {
	__u64 n[PC_COUNTERS];
	__u32 uid;
	char comm[TASK_COMM_LEN];
};

#endif

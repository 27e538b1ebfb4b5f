/* SPDX-License-Identifier: GPL-2.0 */
#ifndef LLCSTAT_H
#define LLCSTAT_H

#include "shared.h"

#define MAX_ENTRIES 10240 /* (process or thread, CPU) pairs counted */

struct llc_key {
	__u32 pid;
	__u32 tid; /* -t; else the pid */
	__u32 cpu;
};

struct llc_value {
	__u64 ref;  /* cache references: samples times the sample period */
	__u64 miss; /* cache misses, likewise */
	char comm[TASK_COMM_LEN];
};

#endif

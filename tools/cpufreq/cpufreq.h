/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CPUFREQ_H
#define CPUFREQ_H

#include "shared.h"

#define HIST_STEP_MHZ 200  /* linear slots of 200 MHz */
#define MAX_SLOTS     40   /* 0 to 7999 MHz; faster in the last slot */
#define MAX_COMMS     1024 /* command names with a histogram of their own */

struct comm_key {
	char comm[TASK_COMM_LEN];
};

struct hist {
	__u64 slots[MAX_SLOTS];
};

#endif

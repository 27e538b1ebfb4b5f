/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SOFTIRQSLOWER_H
#define SOFTIRQSLOWER_H

#include "shared.h"

#define NR_VECS 10 /* softirq vectors (include/irqs.h: SOFTIRQ_VECS) */

enum stage {
	STAGE_RAISE, /* raised -> running: "irq(hard) to softirq" */
	STAGE_RUN,   /* running -> done: "softirq runtime" */
};

struct slow_event {
	__u64 lat_ns;
	__u32 stage;
	__u32 vec;
	__u32 cpu;
	char comm[TASK_COMM_LEN]; /* the task the softirq ran on top of (or ksoftirqd) */
};

#endif

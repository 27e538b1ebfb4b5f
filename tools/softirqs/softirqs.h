/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SOFTIRQS_H
#define SOFTIRQS_H

#define NR_VECS	  10 /* softirq vectors (include/irqs.h: SOFTIRQ_VECS) */
#define MAX_SLOTS 32 /* log2 slots of -d: 2^31 usecs is 35 minutes */

/*
 * What one CPU counted since the tool started (never cleared, so no update
 * is lost: each interval is the growth of the sum over the CPUs).  All
 * counters, one __u64 after another.
 */
struct softirq_stats {
	__u64 count[NR_VECS];
	__u64 ns[NR_VECS];
	__u64 slots[NR_VECS][MAX_SLOTS];
};

#define STATS_WORDS (sizeof(struct softirq_stats) / sizeof(__u64))

#endif

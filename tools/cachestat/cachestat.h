/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CACHESTAT_H
#define CACHESTAT_H

#include "pagecache.h"

/* Per CPU, never cleared: user space reads how much they grew each interval. */
struct pc_counts {
	__u64 n[PC_COUNTERS];
};

#endif

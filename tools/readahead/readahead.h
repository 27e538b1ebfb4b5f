/* SPDX-License-Identifier: GPL-2.0 */
#ifndef READAHEAD_H
#define READAHEAD_H

#define MAX_SLOTS 20

/* Pages brought in by readahead, and how long each waited for its first access. */
struct ra_stats {
	__s64 unused; /* pages read ahead and not accessed (yet) */
	__u64 total;  /* pages read ahead */
	__u64 slots[MAX_SLOTS];
};

#endif

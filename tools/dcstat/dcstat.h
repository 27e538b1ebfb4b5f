/* SPDX-License-Identifier: GPL-2.0 */
#ifndef DCSTAT_H
#define DCSTAT_H

/* The counters, in the order of the columns. */
enum dc_stat {
	DC_REFS, /* lookup_fast(): path components looked up in the dcache */
	DC_SLOW, /* d_lookup(): the slower, locked dcache lookup */
	DC_MISS, /* d_lookup() found nothing */
	DC_MAX,
};

/* Per CPU, never cleared: user space reads how much they grew each interval. */
struct dc_counts {
	__u64 n[DC_MAX];
};

#endif

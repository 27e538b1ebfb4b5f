/* SPDX-License-Identifier: GPL-2.0 */
#ifndef NUMAMOVE_H
#define NUMAMOVE_H

#define START_ENTRIES 1024 /* threads in a migration at once, at least */

/* Per CPU, never cleared: user space reads how much they grew each interval. */
struct numa_count {
	__u64 migrations; /* NUMA misplaced-page migrations that finished */
	__u64 ns;	  /* the time they took */
};

#endif

/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PIDPERSEC_H
#define PIDPERSEC_H

/* Per CPU, never cleared: user space reads how much it grew each interval. */
struct fork_count {
	__u64 tasks; /* new processes and threads */
};

#endif

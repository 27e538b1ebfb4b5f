/* SPDX-License-Identifier: GPL-2.0 */
#ifndef RUNQLEN_H
#define RUNQLEN_H

#define MAX_SLOTS 32 /* queue lengths 0..30, and 31 or more in the last slot */

/* Samples by queue length, one per CPU (a per-CPU array of one entry). */
struct hist {
	__u64 slots[MAX_SLOTS];
};

#endif

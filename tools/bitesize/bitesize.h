/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BITESIZE_H
#define BITESIZE_H

#include "shared.h"

/* Slot i: requests of [2^i, 2^(i+1)) KiB; slot 0 also 0 KiB, the last anything larger. */
#define MAX_SLOTS 24

/* One histogram per command name: the task that submitted the I/O where the kernel says. */
struct hist_key {
	char comm[TASK_COMM_LEN];
};

struct hist {
	__u64 slots[MAX_SLOTS];
};

#endif

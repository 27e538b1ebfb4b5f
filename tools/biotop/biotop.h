/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BIOTOP_H
#define BIOTOP_H

#include "shared.h"

/* Block I/O of one process to one disk in one direction. */
struct io_key {
	__u32 pid; /* the submitter; 0 if unknown */
	__u32 dev; /* major << 20 | minor */
	__u32 write;
	__u32 known; /* the submitter is known (else comm is empty) */
	char comm[TASK_COMM_LEN];
};

struct io_val {
	__u64 bytes;
	__u64 ns; /* issue to completion, summed */
	__u64 io;
};

#endif

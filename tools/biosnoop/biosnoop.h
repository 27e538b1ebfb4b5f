/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BIOSNOOP_H
#define BIOSNOOP_H

#include "shared.h"

/* One completed block request. */
struct bio_event {
	__u64 ts_ns;  /* completion, bpf_ktime_get_ns() */
	__u64 lat_ns; /* issue to completion */
	__u64 que_ns; /* insert to issue; 0 if it was not queued (-Q only) */
	__u64 sector;
	__u32 bytes;
	__u32 pid; /* the submitter; 0 if unknown */
	__u32 dev; /* major << 20 | minor */
	__u32 cmd_flags;
	__u8 known; /* the submitter is known (else comm is empty) */
	char comm[TASK_COMM_LEN];
};

#endif

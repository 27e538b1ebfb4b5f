/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TTYSNOOP_H
#define TTYSNOOP_H

#include "shared.h"

#define DATA_MAX   8192 /* bytes one event carries at most (-s) */
#define CHUNKS_MAX 64	/* events one write is cut into at most (-c) */
#define SEGS_MAX   8	/* segments of a writev() copied */

/* A piece of what a write passed to the terminal. */
struct tty_event {
	__u64 ts_ns;
	__u32 pid;
	__u32 tid;
	__u32 len; /* bytes in data */
	__u32 pad;
	char comm[TASK_COMM_LEN];
	char data[DATA_MAX];
};

#define TTY_EVENT_HEADER_SIZE (sizeof(struct tty_event) - DATA_MAX)

#endif

/* SPDX-License-Identifier: GPL-2.0 */
#ifndef THREADSNOOP_H
#define THREADSNOOP_H

#include "shared.h"

/* func: the start routine pthread_create() was given; 0 when not known. */
struct thread_event {
	__u64 ts_ns;
	__u64 func;
	__u32 pid;
	__u32 tid;
	char comm[TASK_COMM_LEN];
};

#endif

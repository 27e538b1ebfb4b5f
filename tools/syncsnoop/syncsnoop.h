/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SYNCSNOOP_H
#define SYNCSNOOP_H

#include "shared.h"

enum sync_syscall {
	SYS_SYNC,
	SYS_SYNCFS,
	SYS_FSYNC,
	SYS_FDATASYNC,
	SYS_SYNC_FILE_RANGE,
	SYS_SYNC_FILE_RANGE2, /* the argument order of 32-bit ARM and PowerPC */
	SYS_MSYNC,
	SYS_SYNC_NR,
};

struct sync_event {
	__u64 ts_ns;
	__u64 arg; /* the descriptor (msync(): the address); sync(): 0 */
	__u32 pid;
	__u32 tid;
	__u32 uid;
	__u32 syscall;
	char comm[TASK_COMM_LEN];
};

#endif

/* SPDX-License-Identifier: GPL-2.0 */
#ifndef STATSNOOP_H
#define STATSNOOP_H

#include "shared.h"
#define PATH_LEN 256 /* path as passed to the call, NUL included */

/* The calls traced, by their tracepoint names (x86-64 stat() is sys_enter_newstat). */
enum stat_syscall {
	SYS_NEWSTAT,
	SYS_NEWLSTAT,
	SYS_NEWFSTATAT,
	SYS_STATX,
	SYS_STATFS,
	SYS_STAT_NR,
};

/* Bits of stat_event::status. */
#define PATH_TRUNCATED 0x1 /* path longer than PATH_LEN - 1 */

struct stat_event {
	__u64 ts_ns;
	__u32 pid;
	__u32 tid;
	__u32 uid;
	__s32 ret;
	__s32 dfd; /* newfstatat(), statx(): the directory a relative path starts from */
	__u16 path_len;
	__u8 syscall;
	__u8 status;
	char comm[TASK_COMM_LEN];
	char path[PATH_LEN];
};

/* Records end after the path's NUL. */
#define STAT_EVENT_HEADER_SIZE (sizeof(struct stat_event) - PATH_LEN)

#endif

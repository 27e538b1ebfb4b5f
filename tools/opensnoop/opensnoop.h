/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OPENSNOOP_H
#define OPENSNOOP_H

#include "shared.h"
#define PATH_LEN      256  /* path as passed to open(), NUL included */
#define NAME_LEN      256  /* one directory name (NAME_MAX + NUL) */
#define DIR_BUF_LEN   4096 /* directory names for -F */
#define DIR_DEPTH_MAX 32   /* directory names read for -F */

enum open_syscall {
	SYS_OPEN,
	SYS_OPENAT,
	SYS_OPENAT2,
};

/* Bits of open_event::status. */
#define PATH_TRUNCATED 0x1 /* path longer than PATH_LEN - 1 */
#define DIR_TRUNCATED  0x2 /* -F: the walk stopped before the root */
#define DIR_ABSENT     0x4 /* -F: no directory (bad dirfd, no fs) */

/*
 * dir holds the names of the directories the relative path starts from,
 * innermost first, each NUL-terminated (-F only; the record ends at dir
 * otherwise).
 */
struct open_event {
	__u64 ts_ns;
	__u64 flags;
	__u32 mode;
	__u32 pid;
	__u32 tid;
	__u32 uid;
	__s32 ret;
	__u16 path_len;
	__u16 dir_len;
	__u8 syscall;
	__u8 status;
	__u8 pad[2];
	char comm[TASK_COMM_LEN];
	char path[PATH_LEN];
	char dir[DIR_BUF_LEN];
};

#define OPEN_EVENT_BASE_SIZE   (sizeof(struct open_event) - DIR_BUF_LEN)
#define OPEN_EVENT_HEADER_SIZE (OPEN_EVENT_BASE_SIZE - PATH_LEN)

#endif

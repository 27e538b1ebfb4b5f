/* SPDX-License-Identifier: GPL-2.0 */
#ifndef EXECSNOOP_H
#define EXECSNOOP_H

#include "shared.h"
#define ARG_MAX_LEN	 4096 /* longest single argument kept, NUL included: a page */
#define MAX_ARGS_DEFAULT 20
#define MAX_ARGS_LIMIT	 60
#define ARGS_BUF_LEN	 8192 /* arguments start before this offset... */
#define ARGS_ROOM	 (ARGS_BUF_LEN + ARG_MAX_LEN) /* ...and end before this one */

/*
 * args holds the exec'd path, then argv[1..], each NUL-terminated.
 * args_truncated: arguments were left out, or the last one is cut.
 */
struct exec_event {
	__u64 ts_ns;
	__u32 pid;
	__u32 ppid;
	__u32 uid;
	__s32 retval;
	__u32 args_count;
	__u32 args_size;
	__u8 args_truncated;
	char comm[TASK_COMM_LEN];
	char args[ARGS_ROOM];
};

#define EXEC_EVENT_HEADER_SIZE (sizeof(struct exec_event) - ARGS_ROOM)

#endif

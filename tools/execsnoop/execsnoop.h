/* SPDX-License-Identifier: GPL-2.0 */
#ifndef EXECSNOOP_H
#define EXECSNOOP_H

#define TASK_COMM_LEN	 16
#define ARG_MAX_LEN	 128 /* longest single argument kept */
#define MAX_ARGS_DEFAULT 20
#define MAX_ARGS_LIMIT	 60
#define ARGS_BUF_LEN	 (MAX_ARGS_LIMIT * ARG_MAX_LEN)

/* args holds the exec'd path, then argv[1..], each NUL-terminated. */
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
	char args[ARGS_BUF_LEN];
};

#define EXEC_EVENT_HEADER_SIZE (sizeof(struct exec_event) - ARGS_BUF_LEN)

#endif

/* SPDX-License-Identifier: GPL-2.0 */
#ifndef DEADLOCK_H
#define DEADLOCK_H

#include "shared.h"
#include "stack_types.h"

#define DEADLOCK_HELD_MAX 16 /* mutexes one thread holds at once, tracked */

/*
 * Where a mutex was asked for: the user stack from the lock function's entry,
 * whose frame-pointer walk starts at the caller's caller, and the caller's
 * return address, read from the top of the stack.
 */
struct lock_site {
	__u64 caller;
	__s32 stack_id;
	__u32 pad;
};

struct held {
	__u64 mutex;
	struct lock_site site;
};

struct held_locks {
	__u32 n;
	__u32 pad;
	struct held locks[DEADLOCK_HELD_MAX];
};

/* An edge of the lock order graph: mutex2 was asked for while mutex1 was held. */
struct lock_edge {
	__u64 mutex1, mutex2;
};

struct edge_info {
	struct lock_site site1, site2;
	__u32 tid;
	__u32 pad;
	char comm[TASK_COMM_LEN];
};

/*
 * Where a thread of the process was created: at pthread_create() (its site),
 * else where the kernel saw the clone (site.caller 0).
 */
struct thread_origin {
	struct lock_site site;
	__u32 parent_tid;
	__u32 pad;
	char comm[TASK_COMM_LEN];
};

/* Sent when the traced process ends; larger than struct new_stack, which shares the buffer. */
struct deadlock_exit {
	__u32 pid;
	__u32 pad[3];
};

#endif

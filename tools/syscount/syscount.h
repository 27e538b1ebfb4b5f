/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SYSCOUNT_H
#define SYSCOUNT_H

#include "shared.h"

/*
 * Syscall numbers counted per syscall (x86-64 and arm64 use fewer than 500).
 * A per-CPU value of both arrays is 16 KiB, under the kernel's 32 KiB limit.
 */
#define MAX_SYSCALLS  1024
#define MAX_PROCS     10240 /* processes per interval with -P */
#define START_ENTRIES 10240 /* threads inside a syscall at once (-L), at least */

/* Per syscall number, kept per CPU and never cleared: an interval is the growth. */
struct syscall_counts {
	__u64 count[MAX_SYSCALLS];
	__u64 ns[MAX_SYSCALLS]; /* -L: time spent inside the calls */
};

/* -P: per process (tgid), drained from a hash each interval. */
struct proc_counts {
	__u64 count;
	__u64 ns;
	char comm[TASK_COMM_LEN];
};

#endif

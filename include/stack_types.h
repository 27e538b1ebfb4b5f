/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the two sides of stack tools share (bpf/stacks.bpf.h, stacks.h): plain
 * C types, included after vmlinux.h or <linux/types.h>.
 */
#ifndef BPFSCOPE_STACK_TYPES_H
#define BPFSCOPE_STACK_TYPES_H

#ifndef TASK_COMM_LEN
#define TASK_COMM_LEN 16
#endif
#define STACK_MAX_DEPTH	      127   /* the kernel's default perf_event_max_stack */
#define STACK_STORAGE_DEFAULT 16384 /* stacks in a stack trace map */
#define STACK_COUNTS_DEFAULT  40960 /* keys in a map of counts */

/*
 * Samples are counted per distinct key.  A stack id is an index into the
 * stack trace map, or a negative errno from bpf_get_stackid(): -EFAULT when
 * there is no such stack (a kernel thread has no user stack), -EEXIST when
 * the stack map had no room for a new stack.
 */
struct stack_key {
	__u32 pid;
	__s32 kstackid;
	__s32 ustackid;
	char comm[TASK_COMM_LEN];
};

/* Sent when a user stack is first counted, so it is named while its process runs. */
struct new_stack {
	__u32 pid;
	__s32 ustackid;
};

/*
 * Time counted per pair of stacks (offwaketime, wakeuptime): the task that
 * was blocked (its stacks when it left the CPU) and the task that woke it
 * (its stacks in try_to_wake_up).  A side not recorded has stack ids -1.
 */
struct wake_key {
	struct stack_key target;
	struct stack_key waker;
};

#endif

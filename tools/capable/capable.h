/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CAPABLE_H
#define CAPABLE_H

#include "stack_types.h"

/* cap_capable()'s opts bits (include/linux/security.h, Linux 5.1+). */
#define CAP_OPT_NOAUDIT (1U << 1)
#define CAP_OPT_INSETID (1U << 2)

/* --unique: report a capability once per process, or once per cgroup. */
enum unique_by { UNIQUE_OFF, UNIQUE_PID, UNIQUE_CGROUP };

/* Room for both stacks: kernel frames first, then user frames from index kframes. */
#define CAP_STACK_SLOTS (2 * (STACK_MAX_DEPTH + 1))

/*
 * One capability check.  opts is valid only with has_opts: the
 * capability:cap_capable tracepoint does not pass it (fexit and kprobe do).
 * The stacks are copied into the event (bpf_get_stack(), no stack map that
 * could fill up): kbytes and ubytes are the bytes of each, or a negative
 * errno; the event is sent up to the end of its frames.
 */
struct cap_event {
	__u32 pid;
	__u32 tid;
	__u32 uid;
	__s32 cap;
	__s32 ret;
	__u32 opts;
	__u8 has_opts;
	__s32 kbytes;
	__s32 ubytes;
	char comm[TASK_COMM_LEN];
	__u64 frames[CAP_STACK_SLOTS];
};

#define CAP_EVENT_HEADER_SIZE (sizeof(struct cap_event) - CAP_STACK_SLOTS * sizeof(__u64))

#endif

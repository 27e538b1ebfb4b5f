/* SPDX-License-Identifier: GPL-2.0 */
#ifndef CAPABLE_H
#define CAPABLE_H

#include "stack_types.h"

/* cap_capable()'s opts bits (include/linux/security.h, Linux 5.1+). */
#define CAP_OPT_NOAUDIT (1U << 1)
#define CAP_OPT_INSETID (1U << 2)

/* --unique: report a capability once per process, or once per cgroup. */
enum unique_by { UNIQUE_OFF, UNIQUE_PID, UNIQUE_CGROUP };

/*
 * One capability check.  opts is valid only with has_opts: the
 * capability:cap_capable tracepoint does not pass it (fexit and kprobe do).
 * Stack ids are -1 when not asked for, else bpf_get_stackid()'s answer.
 */
struct cap_event {
	__u32 pid;
	__u32 tid;
	__u32 uid;
	__s32 cap;
	__s32 ret;
	__u32 opts;
	__u8 has_opts;
	__s32 kstackid;
	__s32 ustackid;
	char comm[TASK_COMM_LEN];
};

#endif

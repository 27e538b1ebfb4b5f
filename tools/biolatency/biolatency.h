/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BIOLATENCY_H
#define BIOLATENCY_H

/* Slot i counts latencies in [2^i, 2^(i+1)) units; the last slot also holds anything larger. */
#define MAX_SLOTS 32

/* One histogram per key; dev is 0 without -D, cmd_flags is 0 without -F. */
struct hist_key {
	__u32 dev;		/* (major << 20) | minor, the kernel's dev_t layout */
	__u32 cmd_flags;	/* request::cmd_flags masked to the op and the decoded flags */
};

struct hist {
	__u64 slots[MAX_SLOTS];
};

#endif

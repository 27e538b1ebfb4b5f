/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MOUNTSNOOP_H
#define MOUNTSNOOP_H

#include "shared.h"
#define MNT_STR_LEN  512 /* a string argument kept, NUL included */
#define MNT_STRS_MAX 4	 /* string arguments of one call, at most */
#define MNT_ARGS     5	 /* arguments of the longest call */

enum mount_call {
	CALL_MOUNT,
	CALL_UMOUNT, /* umount2(); x86_64 names its tracepoint sys_enter_umount */
	CALL_FSOPEN,
	CALL_FSCONFIG,
	CALL_FSMOUNT,
	CALL_MOVE_MOUNT,
	CALL_OPEN_TREE,
	CALL_FSPICK,
	CALL_MOUNT_SETATTR,
	CALL_OPEN_TREE_ATTR,
	CALL_MAX,
};

#define FSCONFIG_SET_STRING	1
#define FSCONFIG_SET_PATH	3
#define FSCONFIG_SET_PATH_EMPTY 4

/*
 * The arguments of a call that are strings in user memory (bit i: args[i]),
 * read into str[] in order; fsconfig()'s value is one for some commands only.
 */
static inline unsigned int mount_str_args(unsigned int call, unsigned long long cmd)
{
	switch (call) {
	case CALL_MOUNT:
		return 0x17; /* source, target, fstype, data */
	case CALL_UMOUNT:
	case CALL_FSOPEN:
		return 0x1;
	case CALL_FSCONFIG:
		if (cmd == FSCONFIG_SET_STRING || cmd == FSCONFIG_SET_PATH ||
		    cmd == FSCONFIG_SET_PATH_EMPTY)
			return 0xc; /* key, value */
		return 0x4;
	case CALL_MOVE_MOUNT:
		return 0xa; /* from_path, to_path */
	case CALL_OPEN_TREE:
	case CALL_FSPICK:
	case CALL_MOUNT_SETATTR:
	case CALL_OPEN_TREE_ATTR:
		return 0x2;
	default:
		return 0;
	}
}

/* mount_setattr() and open_tree_attr() pass a struct mount_attr (argument 3). */
static inline int mount_has_attr(unsigned int call)
{
	return call == CALL_MOUNT_SETATTR || call == CALL_OPEN_TREE_ATTR;
}

struct mount_attr_vals {
	__u64 attr_set;
	__u64 attr_clr;
	__u64 propagation;
	__u64 userns_fd;
};

/* Bits of mount_event::status. */
#define ATTR_READ 0x10 /* attr holds what the call passed; bits 0-3: str[i] truncated */
#define LAT_READ  0x20 /* lat_ns was measured (the entry was traced) */

/* str[] holds as many strings as the call has; the record ends after them. */
struct mount_event {
	__u64 ts_ns;
	__u64 lat_ns;
	__u64 args[MNT_ARGS];
	struct mount_attr_vals attr;
	__s64 ret;
	__u32 pid;
	__u32 tid;
	__u32 mnt_ns;
	__u8 call;
	__u8 status;
	__u8 pad[2];
	char comm[TASK_COMM_LEN];
	char str[MNT_STRS_MAX][MNT_STR_LEN];
};

#define MOUNT_EVENT_HEADER_SIZE (sizeof(struct mount_event) - MNT_STRS_MAX * MNT_STR_LEN)

#endif

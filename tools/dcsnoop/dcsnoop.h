/* SPDX-License-Identifier: GPL-2.0 */
#ifndef DCSNOOP_H
#define DCSNOOP_H

#include "shared.h"

#define DC_NAME_MAX 256 /* a path component (NAME_MAX 255) and its NUL */

struct dc_event {
	__u64 ts_ns;
	__u32 pid;
	__u32 tid;
	char comm[TASK_COMM_LEN];
	char type;	/* 'R': a reference (lookup_fast, -a), 'M': a miss (d_lookup) */
	__u8 truncated; /* the name was longer than DC_NAME_MAX - 1 */
	__u16 name_len; /* bytes of name */
	char name[DC_NAME_MAX];
};

#endif

/* SPDX-License-Identifier: GPL-2.0 */
#ifndef EXITSNOOP_H
#define EXITSNOOP_H

#include "shared.h"

/* exit_code as wait(2) encodes it: (code << 8) | core flag 0x80 | signal. */
struct exit_event {
	__u64 ts_ns;
	__u64 age_ns;
	__u32 pid;
	__u32 ppid;
	__u32 tid;
	__s32 exit_code;
	char comm[TASK_COMM_LEN];
};

#endif

/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BASHREADLINE_H
#define BASHREADLINE_H

#include "shared.h"

#define LINE_MAX_LEN 4096 /* bytes of a line kept, its NUL included */

/* truncated: the line was longer than LINE_MAX_LEN - 1 bytes. */
struct readline_event {
	__u32 pid;
	__u32 uid;
	__u32 truncated;
	__u32 pad;
	char comm[TASK_COMM_LEN];
	char line[LINE_MAX_LEN];
};

#endif

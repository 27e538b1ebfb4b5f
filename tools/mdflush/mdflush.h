/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MDFLUSH_H
#define MDFLUSH_H

#include "shared.h"

#define MD_MAJOR 9

struct md_event {
	__u64 ts_ns;
	__u32 pid;
	__u32 tid;
	__u32 dev; /* the md device: major << 20 | minor */
	char comm[TASK_COMM_LEN];
};

#endif

/* SPDX-License-Identifier: GPL-2.0 */
#ifndef UFLOW_H
#define UFLOW_H

#include "ulangname.h"

/* A method's entry or return, at its depth in its thread's calls (1: outermost). */
struct flow_event {
	__u64 ts_ns;
	__u32 pid;
	__u32 tid;
	__u32 cpu;
	__u32 depth;
	__u32 ret; /* 1: a return */
	__u32 pad;
	struct ulang_name name;
};

#endif

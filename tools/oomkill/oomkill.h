/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OOMKILL_H
#define OOMKILL_H

#include "shared.h"

/*
 * One task marked as an OOM victim.  total_pages: the memory the OOM killer
 * weighed (oom_control.totalpages), known only on the oom_kill_process()
 * hooks, 0 otherwise.  killed: 0 when the kernel only let a task that was
 * already exiting use its reserves (no kill).
 */
struct oom_event {
	__u64 ts_ns;
	__u64 total_pages;
	__u64 rss_pages;
	__u32 trigger_pid;
	__u32 victim_pid;
	__u32 victim_uid;
	__u8 killed;
	char trigger_comm[TASK_COMM_LEN];
	char victim_comm[TASK_COMM_LEN];
};

#endif

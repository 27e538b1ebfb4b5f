// SPDX-License-Identifier: GPL-2.0
/* exitsnoop: report each process (or, with -T, thread) as it exits. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/events.bpf.h"
#include "bpf/filter.bpf.h"
#include "bpf/task.bpf.h"
#include "exitsnoop.h"

const volatile bool filter_failed = false; /* -x: non-zero exit codes only */
const volatile bool threaded = false;	   /* -T: every thread, not only group leaders */

/* The tracepoint fires in do_exit() for the exiting task, which is current. */
static __always_inline int on_task_exit(void *ctx, struct task_struct *task)
{
	__u64 ids, now;
	__s32 code;
	struct exit_event *e;

	if (!filter_current())
		return 0;
	ids = current_ids();
	if (!threaded && (ids >> 32) != (__u32)ids)
		return 0;
	code = BPF_CORE_READ(task, exit_code);
	if (filter_failed && !code)
		return 0;
	e = event_reserve(sizeof(*e));
	if (!e)
		return 0;
	now = bpf_ktime_get_ns();
	e->ts_ns = now;
	e->age_ns = now - BPF_CORE_READ(task, start_time);
	e->pid = ids >> 32;
	e->tid = (__u32)ids;
	e->ppid = task_tgid_in_tool_ns(BPF_CORE_READ(task, real_parent));
	e->exit_code = code;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	event_submit(ctx, e, sizeof(*e));
	return 0;
}

/* Linux 6.18 added a second argument (group_dead); only the first is read. */
SCHED_PROCESS_EXIT_PROGS(on_task_exit)

char LICENSE[] SEC("license") = "GPL";

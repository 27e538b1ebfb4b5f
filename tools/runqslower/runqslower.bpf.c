// SPDX-License-Identifier: GPL-2.0
/*
 * runqslower: tasks that waited on a run queue (woken, or preempted while
 * still runnable, until they ran again) for at least min_us, one event each,
 * with the task that had the CPU before them.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/filter.bpf.h"
#include "runqslower.h"

#define EVENT_MAX_SIZE (sizeof(struct rq_event))
#include "bpf/events.bpf.h"

const volatile __u64 min_ns = MIN_US_DEFAULT * 1000ULL;

/* The thread id of t as the tool's PID namespace numbers it (0: not visible there). */
static __always_inline __u32 task_tid_in_tool_ns(struct task_struct *t)
{
	if (!pidns_ino)
		return BPF_CORE_READ(t, pid);
	return pid_nr_in_tool_ns(BPF_CORE_READ(t, thread_pid));
}

/* next waited delta_ns; prev, which had the CPU, is current. */
static __always_inline void report(void *ctx, struct task_struct *next, __u64 now, __u64 delta_ns)
{
	struct rq_event *e;
	__u32 pid = task_tgid_in_tool_ns(next);

	if (self_tgid && pid == self_tgid)
		return;
	e = event_reserve(sizeof(*e));
	if (!e)
		return;
	e->ts_ns = now;
	e->delta_us = delta_ns / 1000;
	e->pid = pid;
	e->tid = task_tid_in_tool_ns(next);
	e->prev_tid = (__u32)current_ids();
	BPF_CORE_READ_STR_INTO(&e->comm, next, comm);
	bpf_get_current_comm(e->prev_comm, sizeof(e->prev_comm));
	event_submit(ctx, e, sizeof(*e));
}

/* The engine calls this for each task switched in after waiting delta_ns. */
static __always_inline void runq_waited(void *ctx, struct task_struct *next, __u32 next_tid,
					__u64 now, __u64 delta_ns)
{
	(void)next_tid;
	if (delta_ns >= min_ns)
		report(ctx, next, now, delta_ns);
}

#include "bpf/runq.bpf.h"

char LICENSE[] SEC("license") = "GPL";

// SPDX-License-Identifier: GPL-2.0
/*
 * offwaketime: time off-CPU per pair of stacks: those a traced thread left
 * the CPU with and those of the task that woke it (recorded in
 * try_to_wake_up()), added when the thread gets a CPU again.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/filter.bpf.h"
#include "bpf/stacks.bpf.h"
#include "bpf/offcpu.bpf.h"
#include "offwaketime.h"

/* max_entries of these are set from the command line before load. */
STACK_TRACE_MAP(offcpu_stacks);
WAKE_COUNT_MAP(offcpu_counts);

static __always_inline int on_switch(void *ctx, bool preempt, struct task_struct *prev,
				     __u32 prev_tid, __u32 next_tid)
{
	__u64 now = bpf_ktime_get_ns(), us;
	struct offcpu_start *st;

	st = offcpu_leave(prev, prev_tid, preempt, now);
	/* The thread as the tool's PID namespace numbers it: its /proc names the frames. */
	if (st)
		offcpu_record(ctx, &offcpu_stacks, &st->key.target, (__u32)current_ids());
	st = offcpu_back(next_tid, now, &us);
	if (st)
		wake_add(ctx, &offcpu_counts, &st->key, us);
	return 0;
}

/* A preempted thread is never woken: its waker stays unknown (stack ids -1). */
static __always_inline int on_waking(void *ctx, __u32 tid)
{
	struct offcpu_start *st = offcpu_sleeping(tid);

	if (st)
		offcpu_record(ctx, &offcpu_stacks, &st->key.waker, (__u32)current_ids());
	return 0;
}

/* Linux 5.18 appended prev_state; the first three arguments never moved. */
SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch_btf, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	return on_switch(ctx, preempt, prev, prev->pid, next->pid);
}

SEC("raw_tp/sched_switch")
int BPF_PROG(sched_switch_raw, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	return on_switch(ctx, preempt, prev, BPF_CORE_READ(prev, pid), BPF_CORE_READ(next, pid));
}

SEC("tp_btf/sched_waking")
int BPF_PROG(sched_waking_btf, struct task_struct *p)
{
	return on_waking(ctx, p->pid);
}

SEC("raw_tp/sched_waking")
int BPF_PROG(sched_waking_raw, struct task_struct *p)
{
	return on_waking(ctx, BPF_CORE_READ(p, pid));
}

char LICENSE[] SEC("license") = "GPL";

// SPDX-License-Identifier: GPL-2.0
/*
 * offcputime: time off-CPU per thread and stack.  A traced thread leaving a
 * CPU records its stacks; when it gets one again, the time away is added to
 * the count of those stacks.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/filter.bpf.h"
#include "bpf/stacks.bpf.h"
#include "bpf/offcpu.bpf.h"
#include "offcputime.h"

/* max_entries of these are set from the command line before load. */
STACK_TRACE_MAP(offcpu_stacks);
STACK_COUNT_MAP(offcpu_counts);

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
		stack_add(ctx, &offcpu_counts, &st->key.target, us);
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

char LICENSE[] SEC("license") = "GPL";

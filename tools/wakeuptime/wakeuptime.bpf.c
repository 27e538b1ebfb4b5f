// SPDX-License-Identifier: GPL-2.0
/*
 * wakeuptime: time blocked per waker stack.  A traced thread going to sleep
 * is stamped; whoever wakes it adds the time it slept to the count of its
 * own kernel stack (in try_to_wake_up()) with both names.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/filter.bpf.h"
#include "bpf/stacks.bpf.h"
#include "bpf/offcpu.bpf.h"
#include "wakeuptime.h"

/* max_entries of these are set from the command line before load. */
STACK_TRACE_MAP(offcpu_stacks);
WAKE_COUNT_MAP(offcpu_counts);

/* Only the target's name is kept: no pid, no stacks (BCC's key). */
static __always_inline int on_switch(bool preempt, struct task_struct *prev, __u32 prev_tid)
{
	struct offcpu_start *st = offcpu_leave(prev, prev_tid, preempt, bpf_ktime_get_ns());

	if (st)
		bpf_get_current_comm(st->key.target.comm, sizeof(st->key.target.comm));
	return 0;
}

static __always_inline int on_waking(void *ctx, __u32 tid)
{
	struct offcpu_start *st;
	struct wake_key key;
	__u64 us;

	st = offcpu_back(tid, bpf_ktime_get_ns(), &us);
	if (!st)
		return 0;
	key.target = st->key.target;
	offcpu_record(ctx, &offcpu_stacks, &key.waker, 0);
	wake_add(ctx, &offcpu_counts, &key, us);
	return 0;
}

/* Linux 5.18 appended prev_state; the first three arguments never moved. */
SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch_btf, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	return on_switch(preempt, prev, prev->pid);
}

SEC("raw_tp/sched_switch")
int BPF_PROG(sched_switch_raw, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	return on_switch(preempt, prev, BPF_CORE_READ(prev, pid));
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

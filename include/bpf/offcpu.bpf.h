/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What offcputime, wakeuptime and offwaketime share (lib/offcpu.c is the
 * user side): which tasks leaving a CPU are traced, and per thread since
 * when it is off-CPU, with the stacks it left with and those of its waker.
 *
 * sched_switch runs in the task leaving the CPU (prev is current there), so
 * its stacks are those it blocked with; sched_waking runs in the waker,
 * inside try_to_wake_up(), before the target may run anywhere.  A tool
 * includes this after bpf/filter.bpf.h and bpf/stacks.bpf.h, and defines the
 * programs of both hooks around offcpu_leave(), offcpu_back() and
 * offcpu_woken().  Entries go with their thread (sched_process_free).
 */
#ifndef BPFSCOPE_OFFCPU_BPF_H
#define BPFSCOPE_OFFCPU_BPF_H

#include "bpf/compat.bpf.h"
#include "bpf/missed.bpf.h"
#include "stack_types.h"

#define OFFCPU_TASK_RUNNING 0
#define OFFCPU_PF_KTHREAD   0x00200000 /* include/linux/sched.h, unchanged since 2.6 */
#define OFFCPU_START_MIN    10240      /* entries of offcpu_start, at least */

const volatile bool user_threads_only = false;	 /* -u */
const volatile bool kernel_threads_only = false; /* -k */
const volatile long state_filter = -1;		 /* --state: 0 runnable, else any of these bits */
const volatile bool blocked_only = false;	 /* leave out tasks still runnable (preempted) */
const volatile __u64 min_us = 1;		 /* -m */
const volatile __u64 max_us = ~0ULL;		 /* -M */
const volatile bool kernel_stacks = true;	 /* not -U */
const volatile bool user_stacks = true;		 /* not -K */

/* Since when a traced thread is off-CPU (0: it is back), its stacks and its waker's. */
struct offcpu_start {
	__u64 ts;
	struct wake_key key;
};

/* tid -> its record; sized from the threads alive by user space (probe_threads_room). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, OFFCPU_START_MIN);
	__type(key, __u32);
	__type(value, struct offcpu_start);
} offcpu_start SEC(".maps");

/* Is prev (current), leaving its CPU, a task to trace?  The idle tasks (tid 0) never are. */
static __always_inline bool offcpu_traced(struct task_struct *prev, __u32 tid, bool preempt)
{
	bool kthread = BPF_CORE_READ(prev, flags) & OFFCPU_PF_KTHREAD;
	long state;

	if (!tid || (user_threads_only && kthread) || (kernel_threads_only && !kthread))
		return false;
	if (state_filter >= 0 || blocked_only) {
		state = preempt ? OFFCPU_TASK_RUNNING : task_state(prev);
		if (blocked_only && state == OFFCPU_TASK_RUNNING)
			return false;
		if (state_filter == 0 && state != 0)
			return false;
		if (state_filter > 0 && !(state & state_filter))
			return false;
	}
	return filter_current();
}

/*
 * prev leaves the CPU at now: its record, stamped, if it is traced (the
 * caller fills in its stacks); NULL otherwise.  The waker of a previous
 * sleep is forgotten.
 */
static __always_inline struct offcpu_start *offcpu_leave(struct task_struct *prev, __u32 tid,
							 bool preempt, __u64 now)
{
	/* -EFAULT: no such stack (wakeuptime's target; the waker of a preempted thread). */
	static const struct offcpu_start fresh = {
		.key.target = { .kstackid = -EFAULT, .ustackid = -EFAULT },
		.key.waker = { .kstackid = -EFAULT, .ustackid = -EFAULT },
	};
	struct offcpu_start *st;

	if (!offcpu_traced(prev, tid, preempt))
		return NULL;
	st = bpf_map_lookup_elem(&offcpu_start, &tid);
	if (!st) {
		bpf_map_update_elem(&offcpu_start, &tid, &fresh, BPF_NOEXIST);
		st = bpf_map_lookup_elem(&offcpu_start, &tid);
		if (!st) {
			count_missed(); /* more threads than the map holds */
			return NULL;
		}
	} else {
		st->key.waker = fresh.key.waker;
	}
	st->ts = now;
	return st;
}

/*
 * The traced thread tid is back on a CPU (offcputime, offwaketime) or woken
 * (wakeuptime) at now: its record if it had been stamped and the time since,
 * in microseconds (*us), is within -m and -M; NULL otherwise.  Either way
 * the stamp is used up.
 */
static __always_inline struct offcpu_start *offcpu_back(__u32 tid, __u64 now, __u64 *us)
{
	struct offcpu_start *st = bpf_map_lookup_elem(&offcpu_start, &tid);
	__u64 ts;

	if (!st || !st->ts)
		return NULL;
	ts = st->ts;
	st->ts = 0;
	if (now < ts)
		return NULL;
	*us = (now - ts) / 1000;
	return *us >= min_us && *us <= max_us ? st : NULL;
}

/* The record of a traced thread that is off-CPU now (being woken); NULL otherwise. */
static __always_inline struct offcpu_start *offcpu_sleeping(__u32 tid)
{
	struct offcpu_start *st = bpf_map_lookup_elem(&offcpu_start, &tid);

	return st && st->ts ? st : NULL;
}

/* The stacks (and name) of the current task into key, as its tool shows them. */
static __always_inline void offcpu_record(void *ctx, void *stack_map, struct stack_key *key,
					  __u32 pid)
{
	stack_key_current(ctx, stack_map, key, pid, kernel_stacks, user_stacks);
}

static __always_inline int offcpu_task_free(__u32 tid)
{
	bpf_map_delete_elem(&offcpu_start, &tid);
	return 0;
}

SEC("tp_btf/sched_process_free")
int BPF_PROG(sched_process_free_btf, struct task_struct *p)
{
	return offcpu_task_free(p->pid);
}

SEC("raw_tp/sched_process_free")
int BPF_PROG(sched_process_free_raw, struct task_struct *p)
{
	return offcpu_task_free(BPF_CORE_READ(p, pid));
}

#endif

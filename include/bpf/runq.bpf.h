/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Run-queue latency, the engine of runqlat and runqslower: the time from a
 * task becoming runnable (woken, or preempted while still runnable) to it
 * running again.  The tool defines, before including this file,
 *
 *	static __always_inline void runq_waited(void *ctx, struct task_struct *next,
 *						__u32 next_tid, __u64 now, __u64 delta_ns);
 *
 * called at sched_switch for the task switched in (prev, which had the CPU,
 * is current), and START_ENTRIES (tasks tracked at once).  This file has the
 * programs: sched_wakeup, sched_wakeup_new, sched_switch and
 * sched_process_free, each as tp_btf and raw_tp (hook_choose_each picks).
 * Needs filter.bpf.h and missed.bpf.h (count_missed) included first.
 */
#ifndef BPFSCOPE_RUNQ_BPF_H
#define BPFSCOPE_RUNQ_BPF_H

#include "bpf/compat.bpf.h"

#define TASK_RUNNING 0

/*
 * tid -> when it was put on a run queue, 0 while it runs or sleeps.  An entry
 * stays until its task is freed, so the hot path only writes in place.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, START_ENTRIES);
	__type(key, __u32);
	__type(value, __u64);
} start SEC(".maps");

/* Idle tasks all have tid 0 and never wait on a run queue. */
static __always_inline bool task_wanted(struct task_struct *t, __u32 tid)
{
	return tid && filter_task(t);
}

/* Record that tid was queued at ts; without create, only a task with an entry counts. */
static __always_inline void set_start(__u32 tid, __u64 ts, bool create)
{
	__u64 *tsp = bpf_map_lookup_elem(&start, &tid);

	if (tsp)
		*tsp = ts;
	else if (create && bpf_map_update_elem(&start, &tid, &ts, BPF_NOEXIST) &&
		 !bpf_map_lookup_elem(&start, &tid))
		count_missed(); /* e.g. more tasks than START_ENTRIES */
}

/*
 * -c: bpf_current_task_under_cgroup() can only judge the current task, and
 * neither a woken task nor the task being switched in is current.  So a task's
 * cgroup is checked each time it is switched out (prev is current then): a
 * member gets an entry in start, a non-member loses its entry, and wakeups
 * only stamp tasks that have an entry.  A new task inherits its parent's
 * cgroup, which is current at sched_wakeup_new.
 */
static __always_inline bool cgroup_create_ok(bool new_task)
{
	if (!filter_cgroup)
		return true;
	return new_task && bpf_current_task_under_cgroup(&filter_cgroup_map, 0);
}

static __always_inline int on_wakeup(struct task_struct *p, __u32 tid, bool new_task)
{
	if (task_wanted(p, tid))
		set_start(tid, bpf_ktime_get_ns(), cgroup_create_ok(new_task));
	return 0;
}

/*
 * prev is still on its run queue if it was preempted (whatever state it had
 * set on its way to sleep), or if it is TASK_RUNNING, e.g. after sched_yield()
 * or because a signal cancelled its sleep.
 */
static __always_inline void on_switch_out(struct task_struct *prev, __u32 tid, bool preempt,
					  __u64 now)
{
	bool runnable = preempt || task_state(prev) == TASK_RUNNING;

	if (filter_cgroup) {
		if (bpf_current_task_under_cgroup(&filter_cgroup_map, 0))
			set_start(tid, runnable ? now : 0, true);
		else if (bpf_map_lookup_elem(&start, &tid))
			bpf_map_delete_elem(&start, &tid);
		return;
	}
	if (runnable)
		set_start(tid, now, true);
}

static __always_inline int on_sched_switch(void *ctx, bool preempt, struct task_struct *prev,
					   __u32 prev_tid, struct task_struct *next, __u32 next_tid)
{
	__u64 now = bpf_ktime_get_ns();
	__u64 *tsp, ts;

	if (task_wanted(prev, prev_tid))
		on_switch_out(prev, prev_tid, preempt, now);
	if (!next_tid)
		return 0;
	tsp = bpf_map_lookup_elem(&start, &next_tid);
	if (!tsp || !*tsp)
		return 0;
	ts = *tsp;
	*tsp = 0;
	if (now > ts)
		runq_waited(ctx, next, next_tid, now, now - ts);
	return 0;
}

/*
 * The task is gone: drop its entry.  Its tid may already belong to a new task
 * by now (it is freed first), which costs that task at most one sample.
 */
static __always_inline int on_task_free(__u32 tid)
{
	bpf_map_delete_elem(&start, &tid);
	return 0;
}

SEC("tp_btf/sched_wakeup")
int BPF_PROG(sched_wakeup_btf, struct task_struct *p)
{
	return on_wakeup(p, p->pid, false);
}

SEC("raw_tp/sched_wakeup")
int BPF_PROG(sched_wakeup_raw, struct task_struct *p)
{
	return on_wakeup(p, BPF_CORE_READ(p, pid), false);
}

SEC("tp_btf/sched_wakeup_new")
int BPF_PROG(sched_wakeup_new_btf, struct task_struct *p)
{
	return on_wakeup(p, p->pid, true);
}

SEC("raw_tp/sched_wakeup_new")
int BPF_PROG(sched_wakeup_new_raw, struct task_struct *p)
{
	return on_wakeup(p, BPF_CORE_READ(p, pid), true);
}

/* Linux 5.18 appended prev_state; the first three arguments never moved. */
SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch_btf, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	return on_sched_switch(ctx, preempt, prev, prev->pid, next, next->pid);
}

SEC("raw_tp/sched_switch")
int BPF_PROG(sched_switch_raw, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	return on_sched_switch(ctx, preempt, prev, BPF_CORE_READ(prev, pid), next,
			       BPF_CORE_READ(next, pid));
}

SEC("tp_btf/sched_process_free")
int BPF_PROG(sched_process_free_btf, struct task_struct *p)
{
	return on_task_free(p->pid);
}

SEC("raw_tp/sched_process_free")
int BPF_PROG(sched_process_free_raw, struct task_struct *p)
{
	return on_task_free(BPF_CORE_READ(p, pid));
}

#endif

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

#include "bpf/compat.bpf.h"
#include "bpf/filter.bpf.h"
#include "runqslower.h"

#define EVENT_MAX_SIZE (sizeof(struct rq_event))
#include "bpf/events.bpf.h"

#define TASK_RUNNING 0

const volatile __u64 min_ns = MIN_US_DEFAULT * 1000ULL;

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
		count_missed(); /* e.g. more tasks than the map holds */
}

/*
 * -c: only the current task's cgroup can be checked, and neither a woken task
 * nor the one switched in is current.  So a task is judged when it leaves a
 * CPU (it is current then): a member gets an entry, a non-member loses its
 * entry, and wakeups only stamp tasks that have one.  A new task inherits its
 * parent's cgroup, and the parent is current at sched_wakeup_new.
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
 * prev stays on its run queue if it was preempted (whatever state it had set
 * on its way to sleep), or if it is TASK_RUNNING (sched_yield(), a signal
 * that cancelled its sleep).
 */
static __always_inline void on_switch_out(struct task_struct *prev, __u32 tid, bool preempt,
					  __u64 now)
{
	bool runnable = preempt || task_state(prev) == TASK_RUNNING;

	if (filter_cgroup) {
		if (bpf_current_task_under_cgroup(&filter_cgroup_map, 0)) {
			set_start(tid, runnable ? now : 0, true);
		} else if (bpf_map_lookup_elem(&start, &tid)) {
			bpf_map_delete_elem(&start, &tid);
		}
		return;
	}
	if (runnable)
		set_start(tid, now, true);
}

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
	if (now > ts && now - ts >= min_ns)
		report(ctx, next, now, now - ts);
	return 0;
}

/* The task is gone: drop its entry (a new task may have its tid already: one sample). */
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

char LICENSE[] SEC("license") = "GPL";

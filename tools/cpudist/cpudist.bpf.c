// SPDX-License-Identifier: GPL-2.0
/*
 * cpudist: how long tasks run each time they get a CPU (or, with -O, how long
 * they stay off it), as log2 histograms aggregated in the kernel.  Everything
 * comes from sched_switch: the task leaving the CPU (current there) and the
 * one taking it.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/bits.bpf.h"
#include "bpf/filter.bpf.h"
#include "bpf/maps.bpf.h"
#include "bpf/missed.bpf.h"
#include "cpudist.h"

/* Idle tasks all have tid 0, one per CPU: -O keys them by CPU above every real tid. */
#define IDLE_KEY (1U << 31)

const volatile int hist_by = BY_NONE;
const volatile bool in_msecs = false;
const volatile bool offcpu = false;
const volatile bool with_idle = false;

/*
 * On-CPU: the task a CPU runs and since when.  A running task cannot move to
 * another CPU, so its slice starts and ends on the same one: no hash needed.
 */
struct slice {
	__u64 ts;
	__u32 tid;
};

PERCPU_SLOT_MAP(running, struct slice);

/* -O: tid -> when it left a CPU (0 once it is back) and its process, for -P. */
struct away {
	__u64 ts;
	__u32 tgid;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, START_ENTRIES);
	__type(key, __u32);
	__type(value, struct away);
} start SEC(".maps");

/* The single histogram: per CPU, so an update is a plain increment. */
PERCPU_SLOT_MAP(hist_all, struct hist);

/* -P, -L: one histogram per id, drained by user space each interval. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_HISTS);
	__type(key, __u32);
	__type(value, struct hist);
} hists SEC(".maps");

static const struct hist zero_hist;

/*
 * The histogram for a task: t names it (a process after its main thread),
 * or, where the hook gives no task (classic tracepoint), comm does.
 */
static __always_inline struct hist *hist_for(__u32 tgid, __u32 tid, struct task_struct *t,
					     const char *comm)
{
	struct hist *h;
	__u32 key = 0;

	if (hist_by == BY_NONE)
		return bpf_map_lookup_elem(&hist_all, &key);
	key = hist_by == BY_PID ? tgid : tid;
	h = map_lookup_or_init(&hists, &key, &zero_hist);
	if (!h || h->comm[0])
		return h;
	if (comm)
		bpf_probe_read_kernel_str(&h->comm, sizeof(h->comm), comm);
	else if (hist_by == BY_PID)
		BPF_CORE_READ_STR_INTO(&h->comm, t, group_leader, comm);
	else
		BPF_CORE_READ_STR_INTO(&h->comm, t, comm);
	return h;
}

static __always_inline void account(__u32 tgid, __u32 tid, struct task_struct *t, const char *comm,
				    __u64 delta)
{
	struct hist *h = hist_for(tgid, tid, t, comm);
	__u32 slot;

	if (!h) {
		count_missed();
		return;
	}
	delta /= in_msecs ? 1000000 : 1000;
	slot = log2_slot(delta, MAX_SLOTS - 1);
	if (hist_by == BY_NONE)
		h->slots[slot]++;
	else
		__sync_fetch_and_add(&h->slots[slot], 1);
}

/* Is the task leaving the CPU (current) one to trace?  Idle only with -I. */
static __always_inline bool prev_wanted(__u32 prev_tid)
{
	return (prev_tid || with_idle) && filter_current();
}

/* On-CPU: the slice of prev ends, that of next begins. */
static __always_inline void oncpu_switch(__u32 prev_tid, __u32 next_tid, __u64 now)
{
	__u32 zero = 0;
	struct slice *s = bpf_map_lookup_elem(&running, &zero);
	__u64 id;

	if (!s)
		return;
	if (s->ts && s->tid == prev_tid && now > s->ts && prev_wanted(prev_tid)) {
		id = bpf_get_current_pid_tgid();
		account(id >> 32, prev_tid, (void *)bpf_get_current_task(), NULL, now - s->ts);
	}
	s->ts = now;
	s->tid = next_tid;
}

static __always_inline __u32 away_key(__u32 tid)
{
	return tid ? tid : IDLE_KEY | bpf_get_smp_processor_id();
}

/* -O: prev leaves (stamped if traced), next comes back (its time away counted). */
static __always_inline void offcpu_switch(__u32 prev_tid, struct task_struct *next, __u32 next_tid,
					  const char *next_comm, __u64 now)
{
	struct away *a, stamp;
	__u32 key;

	if (prev_wanted(prev_tid)) {
		key = away_key(prev_tid);
		a = bpf_map_lookup_elem(&start, &key);
		if (a) {
			a->ts = now;
			a->tgid = bpf_get_current_pid_tgid() >> 32;
		} else {
			stamp.ts = now;
			stamp.tgid = bpf_get_current_pid_tgid() >> 32;
			if (bpf_map_update_elem(&start, &key, &stamp, BPF_NOEXIST) &&
			    !bpf_map_lookup_elem(&start, &key))
				count_missed(); /* e.g. more tasks than the map holds */
		}
	}
	/* Only traced tasks have entries: no filter to apply to next. */
	key = away_key(next_tid);
	a = bpf_map_lookup_elem(&start, &key);
	if (!a || !a->ts)
		return;
	if (now > a->ts)
		account(a->tgid, next_tid, next, next_comm, now - a->ts);
	a->ts = 0;
}

static __always_inline int on_switch(__u32 prev_tid, struct task_struct *next, __u32 next_tid,
				     const char *next_comm)
{
	__u64 now = bpf_ktime_get_ns();

	if (offcpu)
		offcpu_switch(prev_tid, next, next_tid, next_comm, now);
	else
		oncpu_switch(prev_tid, next_tid, now);
	return 0;
}

/* -O: the task is gone, and so is its entry (its tid may be reused at once: one sample). */
static __always_inline int on_task_free(__u32 tid)
{
	bpf_map_delete_elem(&start, &tid);
	return 0;
}

/* Linux 5.18 appended prev_state; the first three arguments never moved. */
SEC("tp_btf/sched_switch")
int BPF_PROG(sched_switch_btf, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	return on_switch(prev->pid, next, next->pid, NULL);
}

SEC("raw_tp/sched_switch")
int BPF_PROG(sched_switch_raw, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	return on_switch(BPF_CORE_READ(prev, pid), next, BPF_CORE_READ(next, pid), NULL);
}

/* The record has no task pointers: -O -P names a process after the thread that came back. */
SEC("tracepoint/sched/sched_switch")
int sched_switch_tp(struct trace_event_raw_sched_switch *rec)
{
	return on_switch(rec->prev_pid, NULL, rec->next_pid, rec->next_comm);
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

SEC("tracepoint/sched/sched_process_free")
int sched_process_free_tp(struct trace_event_raw_sched_process_template *rec)
{
	return on_task_free(rec->pid);
}

char LICENSE[] SEC("license") = "GPL";

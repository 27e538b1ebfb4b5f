// SPDX-License-Identifier: GPL-2.0
/*
 * runqlat: time from a task becoming runnable (woken, or preempted while still
 * runnable) to it running again, as log2 histograms aggregated in the kernel.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/bits.bpf.h"
#include "bpf/compat.bpf.h"
#include "bpf/filter.bpf.h"
#include "bpf/maps.bpf.h"
#include "bpf/missed.bpf.h"
#include "runqlat.h"

const volatile int hist_by = BY_NONE;
const volatile bool in_msecs = false;

/* The single histogram: per CPU, so an update is a plain increment. */
PERCPU_SLOT_MAP(hist_all, struct hist);

/* -P, -L, --pidnss: one histogram per id, drained by user space each interval. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_HISTS);
	__type(key, __u32);
	__type(value, struct hist);
} hists SEC(".maps");

static const struct hist zero_hist;

static __always_inline __u32 hist_key(struct task_struct *t, __u32 tid)
{
	switch (hist_by) {
	case BY_PID:
		return BPF_CORE_READ(t, tgid);
	case BY_PIDNS:
		return task_pidns_inum(t);
	default:
		return tid;
	}
}

static __always_inline struct hist *hist_for(struct task_struct *t, __u32 tid)
{
	struct hist *h;
	__u32 key = 0;

	if (hist_by == BY_NONE)
		return bpf_map_lookup_elem(&hist_all, &key);
	key = hist_key(t, tid);
	h = map_lookup_or_init(&hists, &key, &zero_hist);
	if (!h || h->comm[0])
		return h;
	/* A process is named after its main thread; a thread or namespace after the task. */
	if (hist_by == BY_PID)
		BPF_CORE_READ_STR_INTO(&h->comm, t, group_leader, comm);
	else
		BPF_CORE_READ_STR_INTO(&h->comm, t, comm);
	return h;
}

static __always_inline void account(struct task_struct *t, __u32 tid, __u64 delta)
{
	struct hist *h = hist_for(t, tid);
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

/* The engine calls this for each task switched in after waiting delta_ns. */
static __always_inline void runq_waited(void *ctx, struct task_struct *next, __u32 next_tid,
					__u64 now, __u64 delta_ns)
{
	(void)ctx;
	(void)now;
	account(next, next_tid, delta_ns);
}

#include "bpf/runq.bpf.h"

char LICENSE[] SEC("license") = "GPL";

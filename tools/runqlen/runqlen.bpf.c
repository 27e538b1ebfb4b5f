// SPDX-License-Identifier: GPL-2.0
/*
 * runqlen: on each CPU, a cpu-clock perf event samples how many tasks wait
 * on that CPU's run queue besides the one running, into a histogram per CPU.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/compat.bpf.h"
#include "bpf/maps.bpf.h"
#include "runqlen.h"

/* -H: the CPU's run queue (every task of every class), not the current task's CFS queue. */
const volatile bool whole_rq = false;

/* Each sample lands on the CPU it measures: per CPU, so plain increments. */
PERCPU_SLOT_MAP(hist_cpu, struct hist);

/*
 * The queue the current task belongs to: the CPU's root CFS queue, or its
 * group's with the cpu controller (as BCC reads it).  The idle task belongs
 * to the root queue, which holds nothing then.  The count includes the task
 * running, so the waiting ones are one fewer.
 */
static __always_inline __u64 queue_length(void)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct cfs_rq *cfs_rq = BPF_CORE_READ(t, se.cfs_rq);
	__u64 len;

	if (whole_rq)
		len = BPF_CORE_READ(cfs_rq, rq, nr_running);
	else
		len = cfs_rq_nr_queued(cfs_rq);
	return len ? len - 1 : 0;
}

SEC("perf_event")
int runqlen_sample(struct bpf_perf_event_data *ctx)
{
	__u64 len = queue_length();
	struct hist *h;
	__u32 zero = 0;

	(void)ctx;
	h = bpf_map_lookup_elem(&hist_cpu, &zero);
	if (!h)
		return 0;
	if (len > MAX_SLOTS - 1)
		len = MAX_SLOTS - 1;
	h->slots[len]++;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

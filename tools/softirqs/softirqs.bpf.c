// SPDX-License-Identifier: GPL-2.0
/*
 * softirqs: time spent in each softirq vector, from softirq_entry to
 * softirq_exit.  A CPU runs its softirqs one at a time, so a per-CPU start
 * time suffices, and the counters are per CPU (plain increments).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "bpf/bits.bpf.h"
#include "bpf/maps.bpf.h"
#include "bpf/missed.bpf.h"
#include "softirqs.h"

const volatile bool dist = false;   /* -d: histograms */
const volatile bool in_ns = false;  /* -N */
const volatile __s32 targ_cpu = -1; /* -c/--cpu */

struct start {
	__u64 ts;
	__u32 vec;
};

PERCPU_SLOT_MAP(start, struct start);
PERCPU_SLOT_MAP(stats, struct softirq_stats);

static __always_inline bool wanted(void)
{
	return targ_cpu < 0 || bpf_get_smp_processor_id() == (__u32)targ_cpu;
}

static __always_inline int on_entry(unsigned int vec)
{
	__u32 zero = 0;
	struct start *s;

	if (!wanted())
		return 0;
	s = bpf_map_lookup_elem(&start, &zero);
	if (!s)
		return 0;
	s->ts = bpf_ktime_get_ns();
	s->vec = vec;
	return 0;
}

static __always_inline int on_exit(unsigned int vec)
{
	__u64 now = bpf_ktime_get_ns(), ts, delta, slot;
	struct softirq_stats *st;
	struct start *s;
	__u32 zero = 0;

	s = bpf_map_lookup_elem(&start, &zero);
	if (!s || !s->ts)
		return 0; /* filtered out, or it began before the tool attached */
	ts = s->ts;
	s->ts = 0;
	if (s->vec != vec || now < ts)
		return 0;
	delta = now - ts;
	st = bpf_map_lookup_elem(&stats, &zero);
	if (!st)
		return 0;
	if (vec >= NR_VECS) {
		count_missed(); /* a vector this build does not know */
		return 0;
	}
	st->count[vec]++;
	st->ns[vec] += delta;
	if (dist) {
		slot = log2_slot(in_ns ? delta : delta / 1000, MAX_SLOTS - 1);
		st->slots[vec][slot]++;
	}
	return 0;
}

SEC("tp_btf/softirq_entry")
int BPF_PROG(softirq_entry_btf, unsigned int vec)
{
	return on_entry(vec);
}

SEC("raw_tp/softirq_entry")
int BPF_PROG(softirq_entry_raw, unsigned int vec)
{
	return on_entry(vec);
}

SEC("tracepoint/irq/softirq_entry")
int softirq_entry_tp(struct trace_event_raw_softirq *rec)
{
	return on_entry(rec->vec);
}

SEC("tp_btf/softirq_exit")
int BPF_PROG(softirq_exit_btf, unsigned int vec)
{
	return on_exit(vec);
}

SEC("raw_tp/softirq_exit")
int BPF_PROG(softirq_exit_raw, unsigned int vec)
{
	return on_exit(vec);
}

SEC("tracepoint/irq/softirq_exit")
int softirq_exit_tp(struct trace_event_raw_softirq *rec)
{
	return on_exit(rec->vec);
}

char LICENSE[] SEC("license") = "GPL";

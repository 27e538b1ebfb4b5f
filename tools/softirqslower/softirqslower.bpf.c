// SPDX-License-Identifier: GPL-2.0
/*
 * softirqslower: softirqs that waited (raise -> entry) or ran (entry -> exit)
 * for at least min_ns.  A softirq is raised on the CPU that will run it, and
 * a CPU runs its softirqs one at a time: the times are kept per CPU.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "bpf/events.bpf.h"
#include "bpf/maps.bpf.h"
#include "softirqslower.h"

const volatile __u64 min_ns = 10000000;
const volatile __s32 targ_cpu = -1; /* -c */

struct cpu_times {
	__u64 raised[NR_VECS]; /* first raise not yet run, per vector; 0: none */
	__u64 entered;	       /* the running softirq's entry; 0: none */
	__u32 vec;	       /* and its vector */
};

PERCPU_SLOT_MAP(times, struct cpu_times);

static __always_inline struct cpu_times *cpu_times(void)
{
	__u32 zero = 0;

	if (targ_cpu >= 0 && bpf_get_smp_processor_id() != (__u32)targ_cpu)
		return NULL;
	return bpf_map_lookup_elem(&times, &zero);
}

static __always_inline void report(void *ctx, enum stage stage, __u32 vec, __u64 lat)
{
	struct slow_event *e = event_reserve(sizeof(*e));

	if (!e)
		return;
	e->lat_ns = lat;
	e->stage = stage;
	e->vec = vec;
	e->cpu = bpf_get_smp_processor_id();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	event_submit(ctx, e, sizeof(*e));
}

/* A raise while the vector is already pending changes nothing: the wait began at the first. */
static __always_inline int on_raise(unsigned int vec)
{
	struct cpu_times *t = cpu_times();

	if (t && vec < NR_VECS && !t->raised[vec])
		t->raised[vec] = bpf_ktime_get_ns();
	return 0;
}

static __always_inline int on_entry(void *ctx, unsigned int vec)
{
	struct cpu_times *t = cpu_times();
	__u64 now, raised;

	if (!t || vec >= NR_VECS)
		return 0;
	now = bpf_ktime_get_ns();
	raised = t->raised[vec];
	t->raised[vec] = 0;
	t->entered = now;
	t->vec = vec;
	/* Not seen raised: pending before the tool attached. */
	if (raised && now >= raised && now - raised >= min_ns)
		report(ctx, STAGE_RAISE, vec, now - raised);
	return 0;
}

static __always_inline int on_exit(void *ctx, unsigned int vec)
{
	struct cpu_times *t = cpu_times();
	__u64 now, entered;

	if (!t)
		return 0;
	now = bpf_ktime_get_ns();
	entered = t->entered;
	t->entered = 0;
	if (entered && t->vec == vec && now >= entered && now - entered >= min_ns)
		report(ctx, STAGE_RUN, vec, now - entered);
	return 0;
}

SEC("tp_btf/softirq_raise")
int BPF_PROG(softirq_raise_btf, unsigned int vec)
{
	return on_raise(vec);
}

SEC("raw_tp/softirq_raise")
int BPF_PROG(softirq_raise_raw, unsigned int vec)
{
	return on_raise(vec);
}

SEC("tracepoint/irq/softirq_raise")
int softirq_raise_tp(struct trace_event_raw_softirq *rec)
{
	return on_raise(rec->vec);
}

SEC("tp_btf/softirq_entry")
int BPF_PROG(softirq_entry_btf, unsigned int vec)
{
	return on_entry(ctx, vec);
}

SEC("raw_tp/softirq_entry")
int BPF_PROG(softirq_entry_raw, unsigned int vec)
{
	return on_entry(ctx, vec);
}

SEC("tracepoint/irq/softirq_entry")
int softirq_entry_tp(struct trace_event_raw_softirq *rec)
{
	return on_entry(rec, rec->vec);
}

SEC("tp_btf/softirq_exit")
int BPF_PROG(softirq_exit_btf, unsigned int vec)
{
	return on_exit(ctx, vec);
}

SEC("raw_tp/softirq_exit")
int BPF_PROG(softirq_exit_raw, unsigned int vec)
{
	return on_exit(ctx, vec);
}

SEC("tracepoint/irq/softirq_exit")
int softirq_exit_tp(struct trace_event_raw_softirq *rec)
{
	return on_exit(rec, rec->vec);
}

char LICENSE[] SEC("license") = "GPL";

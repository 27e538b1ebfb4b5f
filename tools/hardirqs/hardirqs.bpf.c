// SPDX-License-Identifier: GPL-2.0
/*
 * hardirqs: time (or count) of hard interrupt handlers, per handler name,
 * from irq_handler_entry to irq_handler_exit.  Handlers run with interrupts
 * disabled, so one CPU runs one at a time and a per-CPU start time suffices.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/bits.bpf.h"
#include "bpf/filter.bpf.h"
#include "bpf/maps.bpf.h"
#include "bpf/missed.bpf.h"
#include "hardirqs.h"

const volatile bool count_only = false; /* -C: entry alone, no times */
const volatile bool dist = false;	/* -d: histograms */
const volatile bool in_ns = false;	/* -N */
const volatile __s32 targ_cpu = -1;	/* --cpu */
/* The exit hook cannot name the handler (classic tracepoint): entry keeps the name. */
const volatile bool stash_name = false;

struct start {
	__u64 ts;
	struct irq_name key;
};

PERCPU_SLOT_MAP(start, struct start);

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_IRQS);
	__type(key, struct irq_name);
	__type(value, struct irq_stats);
} infos SEC(".maps");

static const struct irq_stats zero_info;

/*
 * -c: the cgroup of the task the interrupt arrived in (as upstream); the
 * other filters of filter.bpf.h do not apply to interrupts.
 */
static __always_inline bool wanted(void)
{
	if (targ_cpu >= 0 && bpf_get_smp_processor_id() != (__u32)targ_cpu)
		return false;
	if (filter_cgroup && !bpf_current_task_under_cgroup(&filter_cgroup_map, 0))
		return false;
	return true;
}

static __always_inline struct start *start_slot(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&start, &zero);
}

static __always_inline struct irq_stats *info_for(const struct irq_name *key)
{
	struct irq_stats *info = map_lookup_or_init(&infos, key, &zero_info);

	if (!info)
		count_missed(); /* more names than MAX_IRQS in an interval */
	return info;
}

static __always_inline void count_irq(const struct irq_name *key)
{
	struct irq_stats *info = info_for(key);

	if (info)
		__sync_fetch_and_add(&info->count, 1);
}

/* name: the handler's name, a kernel string (irqaction.name, or in the tracepoint's record). */
static __always_inline int on_entry(const char *name)
{
	struct irq_name key = {};
	struct start *s;

	if (!wanted())
		return 0;
	if (count_only) {
		bpf_probe_read_kernel_str(key.name, sizeof(key.name), name);
		count_irq(&key);
		return 0;
	}
	s = start_slot();
	if (!s)
		return 0;
	if (stash_name)
		bpf_probe_read_kernel_str(s->key.name, sizeof(s->key.name), name);
	s->ts = bpf_ktime_get_ns();
	return 0;
}

static __always_inline void account(const struct irq_name *key, __u64 delta)
{
	struct irq_stats *info = info_for(key);
	__u64 slot;

	if (!info)
		return;
	__sync_fetch_and_add(&info->count, 1);
	__sync_fetch_and_add(&info->ns, delta);
	if (dist) {
		slot = log2_slot(in_ns ? delta : delta / 1000, MAX_SLOTS - 1);
		__sync_fetch_and_add(&info->slots[slot], 1);
	}
}

/* name: the handler's name (irqaction.name), or NULL to take the one entry kept. */
static __always_inline int on_exit(const char *name)
{
	struct irq_name key = {};
	struct start *s = start_slot();
	__u64 now = bpf_ktime_get_ns(), ts;

	if (!s || !s->ts)
		return 0; /* filtered out, or it began before the tool attached */
	ts = s->ts;
	s->ts = 0;
	if (name)
		bpf_probe_read_kernel_str(key.name, sizeof(key.name), name);
	else
		key = s->key;
	if (now >= ts)
		account(&key, now - ts);
	return 0;
}

SEC("tp_btf/irq_handler_entry")
int BPF_PROG(irq_handler_entry_btf, int irq, struct irqaction *action)
{
	return on_entry(action->name);
}

SEC("raw_tp/irq_handler_entry")
int BPF_PROG(irq_handler_entry_raw, int irq, struct irqaction *action)
{
	return on_entry(BPF_CORE_READ(action, name));
}

/* The name is a __data_loc string: its offset in the record in the low 16 bits. */
SEC("tracepoint/irq/irq_handler_entry")
int irq_handler_entry_tp(struct trace_event_raw_irq_handler_entry *rec)
{
	return on_entry((const char *)rec + (rec->__data_loc_name & 0xffff));
}

SEC("tp_btf/irq_handler_exit")
int BPF_PROG(irq_handler_exit_btf, int irq, struct irqaction *action)
{
	return on_exit(action->name);
}

SEC("raw_tp/irq_handler_exit")
int BPF_PROG(irq_handler_exit_raw, int irq, struct irqaction *action)
{
	return on_exit(BPF_CORE_READ(action, name));
}

SEC("tracepoint/irq/irq_handler_exit")
int irq_handler_exit_tp(void *ctx)
{
	return on_exit(NULL);
}

char LICENSE[] SEC("license") = "GPL";

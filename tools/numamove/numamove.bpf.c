// SPDX-License-Identifier: GPL-2.0
/*
 * numamove: migrations of NUMA misplaced pages (NUMA balancing moving a page
 * to the node of the CPU that uses it), counted with the time they took.
 * migrate_pages() marks its start and end with tracepoints that carry the
 * reason; kernels without them take migrate_misplaced_folio() (or its older
 * name, migrate_misplaced_page(), as in 6.1) through fentry/fexit, else kprobes.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/filter.bpf.h"
#include "bpf/maps.bpf.h"
#include "bpf/missed.bpf.h"
#include "numamove.h"

/* tid -> when its migration started; only while one runs. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, START_ENTRIES);
	__type(key, __u32);
	__type(value, __u64);
} start SEC(".maps");

PERCPU_SLOT_MAP(counts, struct numa_count);

static __always_inline int on_start(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 ts;

	if (!filter_current())
		return 0;
	ts = bpf_ktime_get_ns();
	if (bpf_map_update_elem(&start, &tid, &ts, BPF_ANY))
		count_missed();
	return 0;
}

/* The value of MR_NUMA_MISPLACED in this kernel (5 from 5.x to 6.18). */
static __always_inline bool numa_misplaced(int reason)
{
	return reason == bpf_core_enum_value(enum migrate_reason, MR_NUMA_MISPLACED);
}

static __always_inline int on_start_reason(int reason)
{
	return numa_misplaced(reason) ? on_start() : 0;
}

/* Only a thread with a start entry counts: the end's reason need not be read. */
static __always_inline int on_end(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct numa_count *c;
	__u64 *tsp, now = bpf_ktime_get_ns();
	__u32 zero = 0;

	tsp = bpf_map_lookup_elem(&start, &tid);
	if (!tsp)
		return 0;
	c = bpf_map_lookup_elem(&counts, &zero);
	if (c && now >= *tsp) {
		c->migrations++;
		c->ns += now - *tsp;
	} else {
		count_missed();
	}
	bpf_map_delete_elem(&start, &tid);
	return 0;
}

SEC("tp_btf/mm_migrate_pages_start")
int BPF_PROG(migrate_start_btf, enum migrate_mode mode, int reason)
{
	return on_start_reason(reason);
}

SEC("raw_tp/mm_migrate_pages_start")
int BPF_PROG(migrate_start_raw, enum migrate_mode mode, int reason)
{
	return on_start_reason(reason);
}

SEC("tracepoint/migrate/mm_migrate_pages_start")
int migrate_start_tp(struct trace_event_raw_mm_migrate_pages_start *ctx)
{
	return on_start_reason(BPF_CORE_READ(ctx, reason));
}

SEC("tp_btf/mm_migrate_pages")
int BPF_PROG(migrate_end_btf)
{
	return on_end();
}

SEC("raw_tp/mm_migrate_pages")
int BPF_PROG(migrate_end_raw)
{
	return on_end();
}

SEC("tracepoint/migrate/mm_migrate_pages")
int migrate_end_tp(void *ctx)
{
	return on_end();
}

SEC("fentry/migrate_misplaced_folio")
int BPF_PROG(misplaced_folio_fentry)
{
	return on_start();
}

SEC("fentry/migrate_misplaced_page")
int BPF_PROG(misplaced_page_fentry)
{
	return on_start();
}

SEC("kprobe/migrate_misplaced_folio")
int BPF_KPROBE(misplaced_folio_kprobe)
{
	return on_start();
}

SEC("kprobe/migrate_misplaced_page")
int BPF_KPROBE(misplaced_page_kprobe)
{
	return on_start();
}

SEC("fexit/migrate_misplaced_folio")
int BPF_PROG(misplaced_folio_fexit)
{
	return on_end();
}

SEC("fexit/migrate_misplaced_page")
int BPF_PROG(misplaced_page_fexit)
{
	return on_end();
}

SEC("kretprobe/migrate_misplaced_folio")
int BPF_KRETPROBE(misplaced_folio_kretprobe)
{
	return on_end();
}

SEC("kretprobe/migrate_misplaced_page")
int BPF_KRETPROBE(misplaced_page_kretprobe)
{
	return on_end();
}

char LICENSE[] SEC("license") = "GPL";

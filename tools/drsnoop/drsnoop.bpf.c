// SPDX-License-Identifier: GPL-2.0
/*
 * drsnoop: the time a task spends in direct memory reclaim (and, with
 * --memcg, in reclaim forced by its cgroup's memory limit), and the pages
 * each reclaim freed.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/filter.bpf.h"
#include "drsnoop.h"

#define EVENT_MAX_SIZE (sizeof(struct reclaim_event))
#include "bpf/events.bpf.h"

struct start {
	__u64 ts_ns;
	__u32 kind;
};

/* tid -> when its reclaim began; user space sizes it to the threads alive. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, START_ENTRIES);
	__type(key, __u32);
	__type(value, struct start);
} start SEC(".maps");

static __always_inline int on_begin(__u32 kind)
{
	struct start s = { bpf_ktime_get_ns(), kind };
	__u32 tid;

	if (!filter_current())
		return 0;
	tid = (__u32)bpf_get_current_pid_tgid();
	if (bpf_map_update_elem(&start, &tid, &s, BPF_ANY))
		count_missed();
	return 0;
}

static __always_inline int on_end(void *ctx, unsigned long nr_reclaimed)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct reclaim_event *e;
	struct start *s;
	__u64 ids, now;

	s = bpf_map_lookup_elem(&start, &tid);
	if (!s)
		return 0;
	now = bpf_ktime_get_ns();
	e = event_reserve(sizeof(*e));
	if (e) {
		ids = current_ids();
		e->ts_ns = now;
		e->delta_ns = now - s->ts_ns;
		e->nr_reclaimed = nr_reclaimed;
		e->pid = ids >> 32;
		e->tid = (__u32)ids;
		e->uid = (__u32)bpf_get_current_uid_gid();
		e->kind = s->kind;
		bpf_get_current_comm(e->comm, sizeof(e->comm));
		event_submit(ctx, e, sizeof(*e));
	}
	bpf_map_delete_elem(&start, &tid);
	return 0;
}

/* Both events of a kind share the classic record layouts of the direct ones. */
#define end_record trace_event_raw_mm_vmscan_direct_reclaim_end_template

SEC("tp_btf/mm_vmscan_direct_reclaim_begin")
int BPF_PROG(direct_begin_btf)
{
	return on_begin(RECLAIM_DIRECT);
}

SEC("raw_tp/mm_vmscan_direct_reclaim_begin")
int BPF_PROG(direct_begin_raw)
{
	return on_begin(RECLAIM_DIRECT);
}

SEC("tracepoint/vmscan/mm_vmscan_direct_reclaim_begin")
int direct_begin_tp(void *rec)
{
	return on_begin(RECLAIM_DIRECT);
}

SEC("tp_btf/mm_vmscan_direct_reclaim_end")
int BPF_PROG(direct_end_btf, unsigned long nr_reclaimed)
{
	return on_end(ctx, nr_reclaimed);
}

SEC("raw_tp/mm_vmscan_direct_reclaim_end")
int BPF_PROG(direct_end_raw, unsigned long nr_reclaimed)
{
	return on_end(ctx, nr_reclaimed);
}

SEC("tracepoint/vmscan/mm_vmscan_direct_reclaim_end")
int direct_end_tp(struct end_record *rec)
{
	return on_end(rec, rec->nr_reclaimed);
}

/* --memcg: reclaim a charge over memory.max / memory.high (v1: limit_in_bytes) makes. */
SEC("tp_btf/mm_vmscan_memcg_reclaim_begin")
int BPF_PROG(memcg_begin_btf)
{
	return on_begin(RECLAIM_MEMCG);
}

SEC("raw_tp/mm_vmscan_memcg_reclaim_begin")
int BPF_PROG(memcg_begin_raw)
{
	return on_begin(RECLAIM_MEMCG);
}

SEC("tracepoint/vmscan/mm_vmscan_memcg_reclaim_begin")
int memcg_begin_tp(void *rec)
{
	return on_begin(RECLAIM_MEMCG);
}

SEC("tp_btf/mm_vmscan_memcg_reclaim_end")
int BPF_PROG(memcg_end_btf, unsigned long nr_reclaimed)
{
	return on_end(ctx, nr_reclaimed);
}

SEC("raw_tp/mm_vmscan_memcg_reclaim_end")
int BPF_PROG(memcg_end_raw, unsigned long nr_reclaimed)
{
	return on_end(ctx, nr_reclaimed);
}

SEC("tracepoint/vmscan/mm_vmscan_memcg_reclaim_end")
int memcg_end_tp(struct end_record *rec)
{
	return on_end(rec, rec->nr_reclaimed);
}

char LICENSE[] SEC("license") = "GPL";

// SPDX-License-Identifier: GPL-2.0
/*
 * javagc: each garbage collection of a JVM, from HotSpot's USDT probes
 * gc__begin (is_full) and gc__end, which the VM fires around every
 * collection it runs, one at a time per process.  The memory-pool probes
 * (mem__pool__gc__begin/end) fire inside a collection, once per pool, in the
 * VM thread: they are not a collection of their own and are not used.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/usdt.bpf.h>

#include "bpf/events.bpf.h"
#include "bpf/filter.bpf.h"
#include "javagc.h"

const volatile __u64 min_ns = 0; /* -t */

struct gc_start {
	__u64 ts;
	__u32 full;
};

/* Collections in progress, by process (a JVM runs one at a time). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct gc_start);
} starts SEC(".maps");

SEC("usdt")
int BPF_USDT(gc_begin, long full)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct gc_start s = { bpf_ktime_get_ns(), full != 0 };

	if (!filter_current())
		return 0;
	if (bpf_map_update_elem(&starts, &tgid, &s, BPF_ANY))
		count_missed();
	return 0;
}

SEC("usdt")
int BPF_USDT(gc_end)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct gc_start *s = bpf_map_lookup_elem(&starts, &tgid);
	__u64 now = bpf_ktime_get_ns();
	struct gc_event *e;

	if (!s)
		return 0;
	if (now - s->ts < min_ns)
		goto out;
	e = event_reserve(sizeof(*e));
	if (!e)
		goto out;
	e->end_ns = now;
	e->dur_ns = now - s->ts;
	e->pid = current_ids() >> 32;
	e->cpu = bpf_get_smp_processor_id();
	e->full = s->full;
	e->pad = 0;
	event_submit(ctx, e, sizeof(*e));
out:
	bpf_map_delete_elem(&starts, &tgid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

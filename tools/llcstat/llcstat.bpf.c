// SPDX-License-Identifier: GPL-2.0
/*
 * llcstat: last-level cache references and misses, sampled on every CPU by
 * the PMU's overflow interrupt (one in sample_period events), counted per
 * process (or thread) and CPU.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "bpf/filter.bpf.h"
#include "bpf/maps.bpf.h"
#include "bpf/missed.bpf.h"
#include "llcstat.h"

const volatile bool per_thread = false;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, struct llc_key);
	__type(value, struct llc_value);
} counts SEC(".maps");

static const struct llc_value zero;

/* The sample stands for sample_period events of the task running when it fired. */
static __always_inline int count(struct bpf_perf_event_data *ctx, bool miss)
{
	__u64 id = current_ids();
	struct llc_key key = {
		.pid = id >> 32,
		.tid = per_thread ? (__u32)id : id >> 32,
		.cpu = bpf_get_smp_processor_id(),
	};
	struct llc_value *v;

	if (!filter_current())
		return 0;
	v = map_lookup_or_init(&counts, &key, &zero);
	if (!v) {
		count_missed();
		return 0;
	}
	if (miss)
		__sync_fetch_and_add(&v->miss, ctx->sample_period);
	else
		__sync_fetch_and_add(&v->ref, ctx->sample_period);
	bpf_get_current_comm(v->comm, sizeof(v->comm));
	return 0;
}

SEC("perf_event")
int on_cache_miss(struct bpf_perf_event_data *ctx)
{
	return count(ctx, true);
}

SEC("perf_event")
int on_cache_ref(struct bpf_perf_event_data *ctx)
{
	return count(ctx, false);
}

char LICENSE[] SEC("license") = "GPL";

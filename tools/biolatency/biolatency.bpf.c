// SPDX-License-Identifier: GPL-2.0
/* biolatency: time block requests from issue (or insert, -Q) to completion, in log2 histograms. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/bits.bpf.h"
#include "bpf/blk.bpf.h"
#include "bpf/filter.bpf.h"
#include "bpf/maps.bpf.h"
#include "bpf/missed.bpf.h"
#include "biolatency.h"

const volatile bool per_disk = false;	/* -D */
const volatile bool per_flags = false;	/* -F */
const volatile bool queued = false;	/* -Q */
const volatile bool in_msecs = false;	/* -m */
const volatile __u32 flags_mask = 0;	/* the op bits and the flag bits user space names */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct request *);
	__type(value, __u64);
} start SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1); /* sized by user space for -D and -F */
	__type(key, struct hist_key);
	__type(value, struct hist);
} hists SEC(".maps");

/* Without -D and -F the one histogram is per CPU: an update is a plain increment. */
PERCPU_SLOT_MAP(hist_all, struct hist);

static const struct hist zero_hist;

static __always_inline int on_rq_start(struct request *rq, bool insert)
{
	__u64 ts;
	long err;

	if (!filter_current())
		return 0;
	if (!rq_dev_matches(rq))
		return 0;
	ts = bpf_ktime_get_ns();
	/* With -Q the insert time, when there was an insert, outlives the issue. */
	err = bpf_map_update_elem(&start, &rq, &ts, queued && !insert ? BPF_NOEXIST : BPF_ANY);
	if (err && err != -EEXIST)
		count_missed();
	return 0;
}

static __always_inline int on_rq_complete(struct request *rq)
{
	struct hist_key key = {};
	struct hist *h;
	__u64 *tsp;
	__s64 delta;
	__u32 zero = 0;

	tsp = bpf_map_lookup_elem(&start, &rq);
	if (!tsp)
		return 0;
	delta = bpf_ktime_get_ns() - *tsp;
	bpf_map_delete_elem(&start, &rq);
	if (delta < 0) {
		count_missed();
		return 0;
	}
	delta /= in_msecs ? 1000000 : 1000;
	if (!per_disk && !per_flags) {
		h = bpf_map_lookup_elem(&hist_all, &zero);
		if (h)
			h->slots[log2_slot(delta, MAX_SLOTS - 1)]++;
		else
			count_missed();
		return 0;
	}
	if (per_disk)
		key.dev = rq_devt(rq);
	if (per_flags)
		key.cmd_flags = BPF_CORE_READ(rq, cmd_flags) & flags_mask;
	h = map_lookup_or_init(&hists, &key, &zero_hist);
	if (h)
		__sync_fetch_and_add(&h->slots[log2_slot(delta, MAX_SLOTS - 1)], 1);
	else
		count_missed();
	return 0;
}

SEC("tp_btf/block_rq_insert")
int block_rq_insert_btf(__u64 *ctx)
{
	return on_rq_start(rq_of_insert(ctx), true);
}

SEC("raw_tp/block_rq_insert")
int block_rq_insert_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return on_rq_start(rq_of_insert(ctx->args), true);
}

SEC("tp_btf/block_rq_issue")
int block_rq_issue_btf(__u64 *ctx)
{
	return on_rq_start(rq_of_issue(ctx), false);
}

SEC("raw_tp/block_rq_issue")
int block_rq_issue_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return on_rq_start(rq_of_issue(ctx->args), false);
}

SEC("tp_btf/block_rq_complete")
int block_rq_complete_btf(__u64 *ctx)
{
	return on_rq_complete(rq_of_complete(ctx));
}

SEC("raw_tp/block_rq_complete")
int block_rq_complete_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return on_rq_complete(rq_of_complete(ctx->args));
}

char LICENSE[] SEC("license") = "GPL";

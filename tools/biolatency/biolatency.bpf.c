// SPDX-License-Identifier: GPL-2.0
/* biolatency: time block requests from issue (or insert, -Q) to completion, in log2 histograms. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/bits.bpf.h"
#include "bpf/compat.bpf.h"
#include "bpf/filter.bpf.h"
#include "bpf/maps.bpf.h"
#include "bpf/missed.bpf.h"
#include "biolatency.h"

const volatile bool per_disk = false;	/* -D */
const volatile bool per_flags = false;	/* -F */
const volatile bool queued = false;	/* -Q */
const volatile bool in_msecs = false;	/* -m */
const volatile __u32 filter_dev = 0;	/* -d, kernel dev_t layout; 0 = any */
const volatile __u32 flags_mask = 0;	/* the op bits and the flag bits user space names */

/*
 * Linux 5.11 (commit a54895fa057c) dropped the request_queue argument of the
 * request tracepoints: block_rq_insert and block_rq_issue went from (q, rq) to
 * (rq).  User space reads the prototypes from BTF and says where rq is.
 */
const volatile bool insert_has_queue_arg = false;
const volatile bool issue_has_queue_arg = false;

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

static __always_inline __u32 rq_devt(struct request *rq)
{
	struct gendisk *disk = request_disk(rq);

	return disk ? disk_devt(disk) : 0;
}

static __always_inline int on_rq_start(struct request *rq, bool insert)
{
	__u64 ts;
	long err;

	if (!filter_current())
		return 0;
	if (filter_dev && rq_devt(rq) != filter_dev)
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

static __always_inline struct request *rq_arg(__u64 *args, bool has_queue_arg)
{
	return (struct request *)(has_queue_arg ? args[1] : args[0]);
}

SEC("tp_btf/block_rq_insert")
int block_rq_insert_btf(__u64 *ctx)
{
	return on_rq_start(rq_arg(ctx, insert_has_queue_arg), true);
}

SEC("raw_tp/block_rq_insert")
int block_rq_insert_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return on_rq_start(rq_arg(ctx->args, insert_has_queue_arg), true);
}

SEC("tp_btf/block_rq_issue")
int block_rq_issue_btf(__u64 *ctx)
{
	return on_rq_start(rq_arg(ctx, issue_has_queue_arg), false);
}

SEC("raw_tp/block_rq_issue")
int block_rq_issue_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return on_rq_start(rq_arg(ctx->args, issue_has_queue_arg), false);
}

/* block_rq_complete has been (rq, error, nr_bytes) on every kernel with BPF. */
SEC("tp_btf/block_rq_complete")
int block_rq_complete_btf(__u64 *ctx)
{
	return on_rq_complete((struct request *)ctx[0]);
}

SEC("raw_tp/block_rq_complete")
int block_rq_complete_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return on_rq_complete((struct request *)ctx->args[0]);
}

char LICENSE[] SEC("license") = "GPL";

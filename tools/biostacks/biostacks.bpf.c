// SPDX-License-Identifier: GPL-2.0
/*
 * biostacks: block I/O latency, from the request's making to its completion,
 * as a log2 histogram per submitter, submitting kernel stack and disk.  The
 * submitter, its stack and the start come from include/bpf/blkreq.bpf.h.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "stack_types.h"

#define BLKREQ_STACKS stacks
struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, STACK_STORAGE_DEFAULT);
	__type(key, __u32);
	__uint(value_size, STACK_MAX_DEPTH * sizeof(__u64));
} stacks SEC(".maps");

#include "bpf/bits.bpf.h"
#include "bpf/blkreq.bpf.h"
#include "bpf/maps.bpf.h"
#include "biostacks.h"

const volatile bool in_msecs = false; /* -m */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_HISTS);
	__type(key, struct bs_key);
	__type(value, struct bs_hist);
} hists SEC(".maps");

static const struct bs_hist zero_hist;

static __always_inline void count(struct bio_req *r)
{
	struct bs_key key = {};
	struct bs_hist *h;
	__u64 ns;

	/* Requests without a submitter seen (made before tracing began) have no stack. */
	if (r->sub.who != WHO_KNOWN || !r->sub.start_ns)
		return;
	ns = bpf_ktime_get_ns() - r->sub.start_ns;
	if ((__s64)ns < 0)
		return;
	key.stack.pid = r->sub.pid;
	key.stack.kstackid = r->sub.kstackid;
	key.stack.ustackid = -1;
	__builtin_memcpy(key.stack.comm, r->sub.comm, sizeof(key.stack.comm));
	key.dev = r->dev;
	h = map_lookup_or_init(&hists, &key, &zero_hist);
	if (!h) {
		count_missed();
		return;
	}
	__sync_fetch_and_add(&h->slots[log2_slot(ns / (in_msecs ? 1000000 : 1000), MAX_SLOTS - 1)],
			     1);
}

static __always_inline int on_rq_complete(struct request *rq)
{
	struct bio_req *r = bio_req_completed(rq);

	if (!r)
		return 0;
	count(r);
	bpf_map_delete_elem(&bio_reqs, &rq);
	return 0;
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

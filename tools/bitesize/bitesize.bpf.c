// SPDX-License-Identifier: GPL-2.0
/*
 * bitesize: the size of each block request at issue, in a log2 histogram of
 * KiB per command name.  Requests are often issued by a kworker or by
 * whichever task unplugs the queue; where the kernel can say who submitted
 * the request (block_io_start, Linux 6.5), that task's name is remembered
 * per request and counted instead.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/bits.bpf.h"
#include "bpf/blk.bpf.h"
#include "bpf/filter.bpf.h"
#include "bpf/maps.bpf.h"
#include "bpf/missed.bpf.h"
#include "bitesize.h"

/* A submitter hook is loaded: look for the request's submitter at issue. */
const volatile bool have_submitter = false;

struct submitter {
	char comm[TASK_COMM_LEN];
	bool pass; /* passed the filters when it submitted the request */
};

/*
 * Keyed by the request: requests come from pools the block layer allocates
 * once per queue, so a request started but never issued (merged into
 * another) leaves an entry that the pool's next use of it overwrites.  A
 * plain hash, cheaper than an LRU one.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct request *);
	__type(value, struct submitter);
} submitters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct hist_key);
	__type(value, struct hist);
} hists SEC(".maps");

static const struct hist zero_hist;

static __always_inline int on_io_start(struct request *rq)
{
	struct submitter s = {};

	if (!rq_dev_matches(rq))
		return 0;
	s.pass = filter_current();
	bpf_get_current_comm(s.comm, sizeof(s.comm));
	if (bpf_map_update_elem(&submitters, &rq, &s, BPF_ANY))
		count_missed();
	return 0;
}

/* The request's submitter, else the task issuing it; false if it is filtered out. */
static __always_inline bool issuer(struct request *rq, struct hist_key *key)
{
	struct submitter *s = have_submitter ? bpf_map_lookup_elem(&submitters, &rq) : NULL;
	bool pass;

	if (!s) {
		bpf_get_current_comm(key->comm, sizeof(key->comm));
		return filter_current();
	}
	pass = s->pass;
	__builtin_memcpy(key->comm, s->comm, sizeof(key->comm));
	bpf_map_delete_elem(&submitters, &rq);
	return pass;
}

/* btf: rq is a BTF pointer (tp_btf), read directly, without a helper call. */
static __always_inline int on_issue(struct request *rq, bool btf)
{
	struct hist_key key = {};
	struct hist *h;
	__u32 bytes;

	if (!rq_dev_matches(rq) || !issuer(rq, &key))
		return 0;
	bytes = btf ? rq->__data_len : BPF_CORE_READ(rq, __data_len);
	h = map_lookup_or_init(&hists, &key, &zero_hist);
	if (h)
		__sync_fetch_and_add(&h->slots[log2_slot(bytes / 1024, MAX_SLOTS - 1)], 1);
	else
		count_missed();
	return 0;
}

SEC("tp_btf/block_io_start")
int block_io_start_btf(__u64 *ctx)
{
	return on_io_start((struct request *)ctx[0]);
}

SEC("raw_tp/block_io_start")
int block_io_start_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return on_io_start((struct request *)ctx->args[0]);
}

SEC("tp_btf/block_rq_issue")
int block_rq_issue_btf(__u64 *ctx)
{
	return on_issue(rq_of_issue(ctx), true);
}

SEC("raw_tp/block_rq_issue")
int block_rq_issue_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return on_issue(rq_of_issue(ctx->args), false);
}

char LICENSE[] SEC("license") = "GPL";

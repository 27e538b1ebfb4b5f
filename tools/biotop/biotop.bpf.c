// SPDX-License-Identifier: GPL-2.0
/* biotop: block I/O per process, disk and direction: requests, bytes and time, per interval. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/blkreq.bpf.h"
#include "bpf/maps.bpf.h"
#include "biotop.h"

/* The operation is the low 8 bits of cmd_flags, and REQ_OP_WRITE is 1, since Linux 4.10. */
#define OP_MASK	 0xff
#define OP_WRITE 1

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct io_key);
	__type(value, struct io_val);
} counts SEC(".maps");

static const struct io_val zero_val;

static __always_inline int on_rq_complete(struct request *rq)
{
	struct bio_req *r = bio_req_completed(rq);
	struct io_key key = {};
	struct io_val *v;
	__s64 ns;

	if (!r)
		return 0;
	ns = bpf_ktime_get_ns() - r->issue_ns;
	key.pid = r->sub.pid;
	key.dev = r->dev;
	key.write = (r->cmd_flags & OP_MASK) == OP_WRITE;
	key.known = r->sub.who == WHO_KNOWN;
	__builtin_memcpy(key.comm, r->sub.comm, sizeof(key.comm));
	v = map_lookup_or_init(&counts, &key, &zero_val);
	if (v) {
		__sync_fetch_and_add(&v->bytes, r->bytes);
		__sync_fetch_and_add(&v->ns, ns > 0 ? ns : 0);
		__sync_fetch_and_add(&v->io, 1);
	} else {
		count_missed();
	}
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

// SPDX-License-Identifier: GPL-2.0
/* biosnoop: each block request at completion, with its submitter, disk, type, sector and latency.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/blkreq.bpf.h"
#include "bpf/events.bpf.h"
#include "biosnoop.h"

const volatile bool queued = false; /* -Q */
const volatile __u64 min_ns = 0;    /* -m */

static __always_inline int on_rq_complete(void *ctx, struct request *rq)
{
	struct bio_req *r = bio_req_completed(rq);
	struct bio_event *e;
	__u64 now, lat;

	if (!r)
		return 0;
	now = bpf_ktime_get_ns();
	lat = now - r->issue_ns;
	if ((__s64)lat < 0 || lat < min_ns)
		goto done;
	e = event_reserve(sizeof(*e));
	if (!e)
		goto done;
	e->ts_ns = now;
	e->lat_ns = lat;
	e->que_ns = queued && r->insert_ns && r->insert_ns < r->issue_ns
			    ? r->issue_ns - r->insert_ns
			    : 0;
	e->sector = r->sector;
	e->bytes = r->bytes;
	e->dev = r->dev;
	e->cmd_flags = r->cmd_flags;
	e->pid = r->sub.pid;
	e->known = r->sub.who == WHO_KNOWN;
	__builtin_memcpy(e->comm, r->sub.comm, sizeof(e->comm));
	event_submit(ctx, e, sizeof(*e));
done:
	bpf_map_delete_elem(&bio_reqs, &rq);
	return 0;
}

SEC("tp_btf/block_rq_complete")
int block_rq_complete_btf(__u64 *ctx)
{
	return on_rq_complete(ctx, rq_of_complete(ctx));
}

SEC("raw_tp/block_rq_complete")
int block_rq_complete_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return on_rq_complete(ctx, rq_of_complete(ctx->args));
}

char LICENSE[] SEC("license") = "GPL";

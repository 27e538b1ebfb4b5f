// SPDX-License-Identifier: GPL-2.0
/*
 * biolatpcts: completion latencies of block requests per disk and operation,
 * in slots fine enough for percentiles (see biolatpcts.h).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/biohist.bpf.h"
#include "bpf/blk.bpf.h"
#include "bpf/maps.bpf.h"
#include "bpf/missed.bpf.h"
#include "biolatpcts.h"

#define NSEC_PER_10US  10000ULL
#define NSEC_PER_MSEC  1000000ULL
#define NSEC_PER_100MS 100000000ULL

/* enum req_op: stable since Linux 4.10. */
#define OP_MASK	   0xff
#define OP_READ	   0
#define OP_WRITE   1
#define OP_FLUSH   2
#define OP_DISCARD 3

const volatile __u32 which = WHICH_ON_DEVICE;

/* -w on-device: when each request was issued to the device. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, struct request *);
	__type(value, __u64);
} issued SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024); /* 256 disks of 4 operations */
	__type(key, struct hist_key);
	__type(value, struct hist);
} hists SEC(".maps");

static const struct hist zero_hist;

/*
 * A field of the request: with btf (tp_btf programs, where rq is a BTF
 * pointer) a plain load, else a helper call (raw_tp).
 */
#define RQ_READ(btf, rq, field) ((btf) ? (rq)->field : BPF_CORE_READ(rq, field))

static __always_inline __u32 devt(struct request *rq, bool btf)
{
	return btf ? rq_devt_btf(rq) : rq_devt(rq);
}

static __always_inline int io_type(struct request *rq, bool btf)
{
	switch (RQ_READ(btf, rq, cmd_flags) & OP_MASK) {
	case OP_READ:
		return IO_READ;
	case OP_WRITE:
		return IO_WRITE;
	case OP_DISCARD:
		return IO_DISCARD;
	case OP_FLUSH:
		return IO_FLUSH;
	default:
		return -1;
	}
}

static __always_inline __u64 latency_slot(__u64 ns)
{
	__u64 slot;

	if (ns < NSEC_PER_MSEC)
		slot = ns / NSEC_PER_10US;
	else if (ns < 100 * NSEC_PER_MSEC)
		slot = SLOTS_10US - 1 + ns / NSEC_PER_MSEC;
	else
		slot = SLOTS_10US + SLOTS_1MS - 1 + ns / NSEC_PER_100MS;
	/* Bounded where the verifier sees it (as log2_slot, bits.bpf.h). */
	asm volatile("" : "+r"(slot));
	if (slot > NR_SLOTS - 1)
		slot = NR_SLOTS - 1;
	asm volatile("" : "+r"(slot));
	return slot;
}

/*
 * The block layer's own stamps, 0 when it took none: start_time_ns when the
 * request is set up (while the queue keeps I/O statistics or has a
 * scheduler), alloc_time_ns before it is allocated (only kernels built with
 * BLK_RQ_ALLOC_TIME, and only while a cgroup I/O controller asks for it).
 */
static __always_inline __u64 rq_stamp(struct request *rq, bool btf)
{
	if (which == WHICH_AFTER_RQ_ALLOC)
		return RQ_READ(btf, rq, start_time_ns);
	if (bpf_core_field_exists(rq->alloc_time_ns))
		return RQ_READ(btf, rq, alloc_time_ns);
	return 0;
}

static __always_inline __u64 start_of(struct request *rq, bool btf)
{
	__u64 *tsp, ts;

	if (which != WHICH_ON_DEVICE)
		return rq_stamp(rq, btf);
	tsp = bpf_map_lookup_elem(&issued, &rq);
	if (!tsp)
		return 0;
	ts = *tsp;
	bpf_map_delete_elem(&issued, &rq);
	return ts;
}

static __always_inline int on_issue(struct request *rq, bool btf)
{
	__u64 ts;

	if (filter_dev && devt(rq, btf) != filter_dev)
		return 0;
	ts = bpf_ktime_get_ns();
	if (bpf_map_update_elem(&issued, &rq, &ts, BPF_ANY))
		count_missed();
	return 0;
}

static __always_inline int on_complete(struct request *rq, bool btf)
{
	struct hist_key key = {};
	__u64 start, now;
	struct hist *h;
	int type;

	key.dev = devt(rq, btf);
	if (filter_dev && key.dev != filter_dev)
		return 0;
	start = start_of(rq, btf);
	type = io_type(rq, btf);
	if (!start || type < 0)
		return 0;
	now = bpf_ktime_get_ns();
	if (now < start) {
		count_missed();
		return 0;
	}
	key.type = type;
	h = map_lookup_or_init(&hists, &key, &zero_hist);
	if (h)
		__sync_fetch_and_add(&h->slots[latency_slot(now - start)], 1);
	else
		count_missed();
	return 0;
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

SEC("tp_btf/block_rq_complete")
int block_rq_complete_btf(__u64 *ctx)
{
	return on_complete(rq_of_complete(ctx), true);
}

SEC("raw_tp/block_rq_complete")
int block_rq_complete_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return on_complete(rq_of_complete(ctx->args), false);
}

char LICENSE[] SEC("license") = "GPL";

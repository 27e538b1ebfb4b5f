// SPDX-License-Identifier: GPL-2.0
/*
 * biopattern: per disk, count the completed requests that begin at the sector
 * where the disk's previous request ended (sequential) and those that do not
 * (random), and their bytes.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/biohist.bpf.h"
#include "bpf/blk.bpf.h"
#include "bpf/maps.bpf.h"
#include "bpf/missed.bpf.h"
#include "biopattern.h"

#define REQ_OP_BITS_MASK 0xff
#define REQ_OP_DRV_IN	 34 /* and the operations above: passthrough, no sector */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct disk_state);
} disks SEC(".maps");

/*
 * A request of nr_sector sectors from sector completed on disk dev.  A disk's
 * first request since the start has no previous one: it is not counted.
 * Each disk's requests complete one at a time in practice; two at once on
 * two CPUs could both compare with the same last_end.
 */
static __always_inline int on_complete(__u32 dev, __u64 sector, __u32 nr_sector)
{
	struct disk_state *d, init = { .last_end = sector + nr_sector };
	long err;

	if (!nr_sector || (filter_dev && dev != filter_dev))
		return 0;
	d = bpf_map_lookup_elem(&disks, &dev);
	if (!d) {
		err = bpf_map_update_elem(&disks, &dev, &init, BPF_NOEXIST);
		if (err && err != -EEXIST)
			count_missed();
		return 0;
	}
	if (d->last_end == sector)
		__sync_fetch_and_add(&d->sequential, 1);
	else
		__sync_fetch_and_add(&d->random, 1);
	__sync_fetch_and_add(&d->bytes, (__u64)nr_sector << 9);
	d->last_end = sector + nr_sector;
	return 0;
}

/* The tracepoint passes the bytes being completed; a partial completion counts those. */
static __always_inline int on_rq_complete(struct request *rq, unsigned int nr_bytes)
{
	if ((BPF_CORE_READ(rq, cmd_flags) & REQ_OP_BITS_MASK) >= REQ_OP_DRV_IN)
		return 0;
	return on_complete(rq_devt(rq), BPF_CORE_READ(rq, __sector), nr_bytes >> 9);
}

/* The same through the BTF pointer: plain loads instead of helper calls. */
static __always_inline int on_rq_complete_btf(struct request *rq, unsigned int nr_bytes)
{
	if ((rq->cmd_flags & REQ_OP_BITS_MASK) >= REQ_OP_DRV_IN)
		return 0;
	return on_complete(rq_devt_btf(rq), rq->__sector, nr_bytes >> 9);
}

SEC("tp_btf/block_rq_complete")
int block_rq_complete_btf(__u64 *ctx)
{
	return on_rq_complete_btf(rq_of_complete(ctx), ctx[2]);
}

SEC("raw_tp/block_rq_complete")
int block_rq_complete_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return on_rq_complete(rq_of_complete(ctx->args), ctx->args[2]);
}

/* The classic event has the disk and sectors already (0 sectors for passthrough requests). */
SEC("tracepoint/block/block_rq_complete")
int block_rq_complete_tp(struct trace_event_raw_block_rq_completion *ctx)
{
	return on_complete(ctx->dev, ctx->sector, ctx->nr_sector);
}

char LICENSE[] SEC("license") = "GPL";

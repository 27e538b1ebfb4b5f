// SPDX-License-Identifier: GPL-2.0
/*
 * mdflush: flush requests sent to md (software RAID) devices.  A flush bio
 * (REQ_PREFLUSH) to an md device passes block_bio_queue on its way in
 * (submit_bio_noacct_nocheck, bio-based devices too); md_flush_request, the
 * md function that handles it, is the exact alternative (fentry, kprobe).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/compat.bpf.h"
#include "bpf/events.bpf.h"
#include "bpf/filter.bpf.h"
#include "mdflush.h"

/* block_bio_queue was (q, bio) before Linux 5.11 (commit e8a676d61c07), (bio) since. */
const volatile bool bio_queue_has_queue_arg = false;

static __always_inline int emit(void *ctx, __u32 dev)
{
	__u64 id = current_ids();
	struct md_event *e;

	e = event_reserve(sizeof(*e));
	if (!e)
		return 0;
	e->ts_ns = bpf_ktime_get_ns();
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->dev = dev;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	event_submit(ctx, e, sizeof(*e));
	return 0;
}

static __always_inline bool is_preflush(__u32 opf)
{
	return opf & (1U << bpf_core_enum_value(enum req_flag_bits, __REQ_PREFLUSH));
}

static __always_inline int on_bio_queue(void *ctx, struct bio *bio)
{
	struct gendisk *disk;

	if (!is_preflush(BPF_CORE_READ(bio, bi_opf)))
		return 0;
	disk = bio_disk(bio);
	if (!disk || BPF_CORE_READ(disk, major) != MD_MAJOR || !filter_current())
		return 0;
	return emit(ctx, disk_devt(disk));
}

static __always_inline struct bio *bio_of(__u64 *args)
{
	return (struct bio *)(bio_queue_has_queue_arg ? args[1] : args[0]);
}

SEC("tp_btf/block_bio_queue")
int block_bio_queue_btf(__u64 *ctx)
{
	return on_bio_queue(ctx, bio_of(ctx));
}

SEC("raw_tp/block_bio_queue")
int block_bio_queue_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return on_bio_queue(ctx, bio_of(ctx->args));
}

/* The classic event has the device and the rwbs letters: F first for a preflush. */
SEC("tracepoint/block/block_bio_queue")
int block_bio_queue_tp(struct trace_event_raw_block_bio *ctx)
{
	__u32 dev = ctx->dev;

	if (ctx->rwbs[0] != 'F' || dev >> 20 != MD_MAJOR || !filter_current())
		return 0;
	return emit(ctx, dev);
}

static __always_inline int on_md_flush(void *ctx, struct bio *bio)
{
	struct gendisk *disk = bio_disk(bio);

	if (!filter_current())
		return 0;
	return emit(ctx, disk ? disk_devt(disk) : 0);
}

SEC("fentry/md_flush_request")
int BPF_PROG(md_flush_request_fentry, void *mddev, struct bio *bio)
{
	return on_md_flush(ctx, bio);
}

SEC("kprobe/md_flush_request")
int BPF_KPROBE(md_flush_request_kprobe, void *mddev, struct bio *bio)
{
	return on_md_flush(ctx, bio);
}

char LICENSE[] SEC("license") = "GPL";

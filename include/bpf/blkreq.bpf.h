/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Block requests and the task that submitted them, for biosnoop and biotop.
 * An object that includes this header gets the programs below; user space
 * keeps one submitter hook and one program per request tracepoint
 * (blkreq_configure, include/blkreq.h).  The tool adds the completion:
 *
 *	struct bio_req *r = bio_req_completed(rq);     // NULL: not traced
 *	if (r) { ... copy what it needs ...; bpf_map_delete_elem(&bio_reqs, &rq); }
 *
 * The submitter is the task that turned a bio into a request, in its own
 * context: block_io_start (Linux 6.5+) passes the request; before it, the
 * request is found from block_getrq, which fires just before and passes the
 * bio that becomes the request's first (rq->bio), looked up at insert or issue.
 * (Upstream's fallback, fentry on blk_account_io_start, is inlined away in
 * Debian's 6.1.)  Requests started before tracing, and those the kernel makes
 * itself (flushes, passthrough commands), have no submitter.
 *
 * A tool that wants the submitter's kernel stack and the time it made the
 * request (biostacks) defines BLKREQ_STACKS as its stack trace map before
 * including this header: bio_submitter then has start_ns and kstackid.
 */
#ifndef BPFSCOPE_BLKREQ_BPF_H
#define BPFSCOPE_BLKREQ_BPF_H

#include "bpf/blk.bpf.h"
#include "bpf/filter.bpf.h"
#include "bpf/missed.bpf.h"

/* The submitter comes from block_getrq (by bio) rather than block_io_start. */
const volatile bool submit_by_bio = false;
/* block_getrq was (q, bio, rw) before Linux 5.11, (bio) since: user space reads BTF. */
const volatile bool getrq_has_queue_arg = false;

enum bio_who {
	WHO_UNKNOWN, /* started before tracing, or by the kernel itself */
	WHO_KNOWN,
	WHO_IGNORED, /* left out by the filters (or the tool's own) */
};

struct bio_submitter {
	__u32 pid;
	__u32 who; /* enum bio_who */
	char comm[TASK_COMM_LEN];
#ifdef BLKREQ_STACKS
	__u64 start_ns; /* when the submitter made the request */
	__s32 kstackid; /* its kernel stack in BLKREQ_STACKS, or -errno */
	__u32 pad;
#endif
};

struct bio_req {
	__u64 insert_ns; /* 0: not inserted into a queue (since tracing began) */
	__u64 issue_ns;	 /* 0: not issued yet */
	__u64 sector;
	__u32 bytes;
	__u32 cmd_flags;
	__u32 dev;
	struct bio_submitter sub;
};

/* Requests in flight.  A request merged into another is freed unseen: its start overwrites. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, struct request *);
	__type(value, struct bio_req);
} bio_reqs SEC(".maps");

/* block_getrq to the request's first sighting: a few per CPU; LRU for bios never seen again. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct bio *);
	__type(value, struct bio_submitter);
} bio_subs SEC(".maps");

/* Is any filter on, so that a request without a known submitter cannot be shown? */
static __always_inline bool bio_filters_on(void)
{
	return ids_filtered() || filter_uid != (__u32)-1 || filter_cgroup || filter_comm_len;
}

static __always_inline void submitter_current(void *ctx, struct bio_submitter *s)
{
	if (!filter_current()) {
		s->who = WHO_IGNORED;
		return;
	}
	s->pid = current_ids() >> 32;
	s->who = WHO_KNOWN;
	bpf_get_current_comm(s->comm, sizeof(s->comm));
#ifdef BLKREQ_STACKS
	s->start_ns = bpf_ktime_get_ns();
	s->kstackid = bpf_get_stackid(ctx, &BLKREQ_STACKS, 0);
#endif
}

static __always_inline int on_io_start(void *ctx, struct request *rq)
{
	struct bio_req r = {};

	if (!rq_dev_matches(rq)) {
		bpf_map_delete_elem(&bio_reqs, &rq);
		return 0;
	}
	submitter_current(ctx, &r.sub);
	if (bpf_map_update_elem(&bio_reqs, &rq, &r, BPF_ANY))
		count_missed();
	return 0;
}

static __always_inline int on_getrq(void *ctx, struct bio *bio)
{
	struct bio_submitter s = {};
	struct gendisk *disk;

	if (filter_dev) {
		disk = bio_disk(bio);
		if (!disk || disk_devt(disk) != filter_dev)
			return 0;
	}
	submitter_current(ctx, &s);
	if (bpf_map_update_elem(&bio_subs, &bio, &s, BPF_ANY))
		count_missed();
	return 0;
}

static __always_inline struct bio_req *bio_req_add(struct request *rq, const struct bio_req *r)
{
	if (bpf_map_update_elem(&bio_reqs, &rq, r, BPF_ANY)) {
		count_missed();
		return 0;
	}
	return bpf_map_lookup_elem(&bio_reqs, &rq);
}

/* The request's record at insert or issue, made at its first sighting; NULL: not traced. */
static __always_inline struct bio_req *bio_req_of(struct request *rq)
{
	struct bio_req *r, fresh = {};
	struct bio_submitter *s;
	struct bio *bio;

	if (submit_by_bio) {
		bio = BPF_CORE_READ(rq, bio);
		s = bio ? bpf_map_lookup_elem(&bio_subs, &bio) : 0;
		if (s) {
			fresh.sub = *s;
			bpf_map_delete_elem(&bio_subs, &bio);
			r = bio_req_add(rq, &fresh);
			goto found;
		}
	}
	r = bpf_map_lookup_elem(&bio_reqs, &rq);
	if (!r && !bio_filters_on() && rq_dev_matches(rq))
		r = bio_req_add(rq, &fresh);
found:
	return r && r->sub.who != WHO_IGNORED ? r : 0;
}

static __always_inline int on_rq_insert(struct request *rq)
{
	struct bio_req *r = bio_req_of(rq);

	if (r)
		r->insert_ns = bpf_ktime_get_ns();
	return 0;
}

static __always_inline int on_rq_issue(struct request *rq)
{
	struct bio_req *r = bio_req_of(rq);

	if (!r)
		return 0;
	r->issue_ns = bpf_ktime_get_ns();
	r->sector = BPF_CORE_READ(rq, __sector);
	r->bytes = BPF_CORE_READ(rq, __data_len);
	r->cmd_flags = BPF_CORE_READ(rq, cmd_flags);
	r->dev = rq_devt(rq);
	return 0;
}

/*
 * At block_rq_complete: the record of an issued, traced request, or NULL
 * (then nothing is left of it).  The caller deletes it when done with it.
 */
static __always_inline struct bio_req *bio_req_completed(struct request *rq)
{
	struct bio_req *r = bpf_map_lookup_elem(&bio_reqs, &rq);

	if (r && (r->sub.who == WHO_IGNORED || !r->issue_ns)) {
		bpf_map_delete_elem(&bio_reqs, &rq);
		return 0;
	}
	return r;
}

static __always_inline struct bio *bio_of_getrq(__u64 *args)
{
	return (struct bio *)(getrq_has_queue_arg ? args[1] : args[0]);
}

SEC("tp_btf/block_io_start")
int block_io_start_btf(__u64 *ctx)
{
	return on_io_start(ctx, (struct request *)ctx[0]);
}

SEC("raw_tp/block_io_start")
int block_io_start_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return on_io_start(ctx, (struct request *)ctx->args[0]);
}

SEC("tp_btf/block_getrq")
int block_getrq_btf(__u64 *ctx)
{
	return on_getrq(ctx, bio_of_getrq(ctx));
}

SEC("raw_tp/block_getrq")
int block_getrq_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return on_getrq(ctx, bio_of_getrq(ctx->args));
}

SEC("tp_btf/block_rq_insert")
int block_rq_insert_btf(__u64 *ctx)
{
	return on_rq_insert(rq_of_insert(ctx));
}

SEC("raw_tp/block_rq_insert")
int block_rq_insert_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return on_rq_insert(rq_of_insert(ctx->args));
}

SEC("tp_btf/block_rq_issue")
int block_rq_issue_btf(__u64 *ctx)
{
	return on_rq_issue(rq_of_issue(ctx));
}

SEC("raw_tp/block_rq_issue")
int block_rq_issue_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return on_rq_issue(rq_of_issue(ctx->args));
}

#endif

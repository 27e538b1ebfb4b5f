/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The block request tracepoints, for the block tools.  User space sets the
 * rodata below with blk_configure() (include/blk.h) between open and load.
 */
#ifndef BPFSCOPE_BLK_BPF_H
#define BPFSCOPE_BLK_BPF_H

#include "bpf/compat.bpf.h"

/*
 * Linux 5.11 (commit a54895fa057c) dropped the request_queue argument of the
 * request tracepoints: block_rq_insert and block_rq_issue went from (q, rq) to
 * (rq).  User space reads the prototypes from BTF and says where rq is.
 */
const volatile bool insert_has_queue_arg = false;
const volatile bool issue_has_queue_arg = false;
/* -d: only requests to this disk (major << 20 | minor); 0: any. */
const volatile __u32 filter_dev = 0;

/* args: a tp_btf program's ctx, or a raw_tp program's ctx->args. */
static __always_inline struct request *rq_of_insert(__u64 *args)
{
	return (struct request *)(insert_has_queue_arg ? args[1] : args[0]);
}

static __always_inline struct request *rq_of_issue(__u64 *args)
{
	return (struct request *)(issue_has_queue_arg ? args[1] : args[0]);
}

/* block_rq_complete has been (rq, error, nr_bytes) on every kernel with BPF. */
static __always_inline struct request *rq_of_complete(__u64 *args)
{
	return (struct request *)args[0];
}

/* The request's disk as the kernel numbers it (major << 20 | minor); 0 if none. */
static __always_inline __u32 rq_devt(struct request *rq)
{
	struct gendisk *disk = request_disk(rq);

	return disk ? disk_devt(disk) : 0;
}

/* Does rq pass the -d filter? */
static __always_inline bool rq_dev_matches(struct request *rq)
{
	return !filter_dev || rq_devt(rq) == filter_dev;
}

#endif

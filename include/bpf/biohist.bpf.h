/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For the block tools of the bitesize/biopattern/biolatpcts batch: the
 * request's disk read through a BTF pointer (a tp_btf program's argument)
 * with plain loads, where include/bpf/blk.bpf.h's rq_devt() makes a helper
 * call per field (it must also serve raw_tp programs).  Measured in
 * biopattern: ~50 ns less per request on this 2-CPU VM.
 */
#ifndef BPFSCOPE_BIOHIST_BPF_H
#define BPFSCOPE_BIOHIST_BPF_H

#include "bpf/blk.bpf.h"

/* request_disk() (compat.bpf.h), for rq a BTF pointer: use only in tp_btf programs. */
static __always_inline struct gendisk *request_disk_btf(struct request *rq)
{
	struct request___pre517 *old = (void *)rq;

	if (bpf_core_field_exists(old->rq_disk))
		return request_disk(rq);
	return ((struct request_queue___post517 *)rq->q)->disk;
}

/* rq_devt() (blk.bpf.h), for rq a BTF pointer: use only in tp_btf programs. */
static __always_inline __u32 rq_devt_btf(struct request *rq)
{
	struct gendisk *disk = request_disk_btf(rq);

	return disk ? (__u32)disk->major << 20 | disk->first_minor : 0;
}

#endif

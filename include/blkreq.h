/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The user side of include/bpf/blkreq.bpf.h (biosnoop, biotop): block
 * requests with the task that submitted them.
 *
 *	skel = TOOL_OPEN(foo_bpf);
 *	if (blkreq_configure(skel->obj, opts.dev, opts.queued))
 *		... (said why)
 */
#ifndef BPFSCOPE_BLKREQ_H
#define BPFSCOPE_BLKREQ_H

#include <stdbool.h>
#include <stdint.h>

struct bpf_object;

/*
 * Between open and load: blk_configure (include/blk.h: the -d filter,
 * tracepoint arguments, flag layout), then of the submitter hooks the first
 * that works here (block_io_start via tp_btf or raw_tp, else block_getrq
 * the same way; BPFSCOPE_AVOID=block_io_start forces block_getrq), and one
 * program per request tracepoint (block_rq_insert only if insert).  -1
 * after one line saying what the kernel lacks.
 */
int blkreq_configure(struct bpf_object *obj, uint32_t filter_dev, bool insert);

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * fsslower: file-system reads, writes, opens and fsyncs slower than a
 * threshold, each with its file (include/bpf/fsops.bpf.h times them).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "fsslower.h"

#define EVENT_MAX_SIZE (sizeof(struct fs_event))
#include "bpf/events.bpf.h"
#include "bpf/fsops.bpf.h"

const volatile __u64 min_lat_ns = 10 * 1000 * 1000;

static __always_inline void fsop_done(void *ctx, const struct fsop_start *s, __s64 ret,
				      __u64 end_ns, struct file *f)
{
	__u64 delta = end_ns - s->ts, id;
	struct fs_event *e;

	if ((__s64)delta < 0 || delta < min_lat_ns || s->op == FS_GETATTR)
		return;
	e = event_reserve(sizeof(*e));
	if (!e)
		return;
	id = current_ids();
	e->end_ns = end_ns;
	e->delta_ns = delta;
	e->size = s->op == FS_READ || s->op == FS_WRITE ? ret : 0;
	e->offset = s->offset;
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->op = s->op;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	if (file_name(f, e->file, sizeof(e->file)) <= 0)
		e->file[0] = '\0';
	event_submit(ctx, e, sizeof(*e));
}

char LICENSE[] SEC("license") = "GPL";

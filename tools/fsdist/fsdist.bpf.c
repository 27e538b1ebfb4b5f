// SPDX-License-Identifier: GPL-2.0
/*
 * fsdist: latency histograms of file-system reads, writes, opens, fsyncs and
 * getattrs (include/bpf/fsops.bpf.h times them).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/bits.bpf.h"
#include "bpf/maps.bpf.h"
#include "fsdist.h"
#include "bpf/fsops.bpf.h"

const volatile bool in_msecs = false;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, FS_OP_MAX);
	__type(key, __u32);
	__type(value, struct fs_hist);
} hists SEC(".maps");

static __always_inline void fsop_done(void *ctx, const struct fsop_start *s, __s64 ret,
				      __u64 end_ns, struct file *f)
{
	static const struct fs_hist zero;
	__u64 delta = end_ns - s->ts;
	__u32 op = s->op;
	struct fs_hist *h;

	if ((__s64)delta < 0) {
		count_missed();
		return;
	}
	h = map_lookup_or_init(&hists, &op, &zero);
	if (!h) {
		count_missed();
		return;
	}
	delta /= in_msecs ? 1000000 : 1000;
	__sync_fetch_and_add(&h->slots[log2_slot(delta, MAX_SLOTS - 1)], 1);
}

char LICENSE[] SEC("license") = "GPL";

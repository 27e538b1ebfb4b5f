// SPDX-License-Identifier: GPL-2.0
/*
 * cachestat: page cache accesses, additions and dirtied pages and buffers,
 * counted per CPU (the hooks: include/bpf/pagecache.bpf.h).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/filter.bpf.h"
#include "bpf/maps.bpf.h"
#include "cachestat.h"

PERCPU_SLOT_MAP(counts, struct pc_counts);

static __always_inline void pc_count(enum pc_counter c, __u64 n)
{
	__u32 zero = 0;
	struct pc_counts *p = bpf_map_lookup_elem(&counts, &zero);

	if (p && c < PC_COUNTERS)
		p->n[c] += n;
}

#define PAGECACHE_COUNT
#include "bpf/pagecache.bpf.h"

char LICENSE[] SEC("license") = "GPL";

// SPDX-License-Identifier: GPL-2.0
/*
 * dcstat: count dcache lookups.  No tracepoint marks them: the functions
 * themselves, through fentry/fexit, else kprobe/kretprobe.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "bpf/maps.bpf.h"
#include "dcstat.h"

PERCPU_SLOT_MAP(counts, struct dc_counts);

static __always_inline int count(enum dc_stat stat)
{
	struct dc_counts *c;
	__u32 zero = 0;

	c = bpf_map_lookup_elem(&counts, &zero);
	if (c)
		c->n[stat]++;
	return 0;
}

SEC("fentry/lookup_fast")
int BPF_PROG(lookup_fast_fentry)
{
	return count(DC_REFS);
}

SEC("kprobe/lookup_fast")
int BPF_KPROBE(lookup_fast_kprobe)
{
	return count(DC_REFS);
}

/* fexit sees the call and its result at once. */
SEC("fexit/d_lookup")
int BPF_PROG(d_lookup_fexit, const struct dentry *parent, const struct qstr *name,
	     struct dentry *ret)
{
	count(DC_SLOW);
	return ret ? 0 : count(DC_MISS);
}

SEC("kprobe/d_lookup")
int BPF_KPROBE(d_lookup_kprobe)
{
	return count(DC_SLOW);
}

SEC("kretprobe/d_lookup")
int BPF_KRETPROBE(d_lookup_kretprobe, struct dentry *ret)
{
	return ret ? 0 : count(DC_MISS);
}

char LICENSE[] SEC("license") = "GPL";

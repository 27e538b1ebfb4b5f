// SPDX-License-Identifier: GPL-2.0
/*
 * cachetop: page cache accesses, additions and dirtied pages and buffers,
 * counted per process (the hooks: include/bpf/pagecache.bpf.h).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/filter.bpf.h"
#include "bpf/maps.bpf.h"
#include "bpf/missed.bpf.h"
#include "cachetop.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_PROCS);
	__type(key, __u32);
	__type(value, struct proc_stat);
} procs SEC(".maps");

static const struct proc_stat zero_stat;

static __always_inline void pc_count(enum pc_counter c, __u64 n)
{
	__u32 pid = current_ids() >> 32;
	struct proc_stat *p;

	if (c >= PC_COUNTERS)
		return;
	p = map_lookup_or_init(&procs, &pid, &zero_stat);
	if (!p) {
		count_missed(); /* more than MAX_PROCS processes in an interval */
		return;
	}
	/* Named at each event: a process that execs is shown by its new name. */
	p->uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(p->comm, sizeof(p->comm));
	__sync_fetch_and_add(&p->n[c], n);
}

#define PAGECACHE_COUNT
#include "bpf/pagecache.bpf.h"

char LICENSE[] SEC("license") = "GPL";

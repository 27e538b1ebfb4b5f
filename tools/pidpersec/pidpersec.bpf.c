// SPDX-License-Identifier: GPL-2.0
/*
 * pidpersec: count new tasks (fork, clone, vfork, new threads) as they are
 * created.  sched_process_fork fires in the parent, so the filters judge it.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "bpf/filter.bpf.h"
#include "bpf/maps.bpf.h"
#include "pidpersec.h"

PERCPU_SLOT_MAP(forks, struct fork_count);

static __always_inline int on_fork(void)
{
	struct fork_count *c;
	__u32 zero = 0;

	if (!filter_current())
		return 0;
	c = bpf_map_lookup_elem(&forks, &zero);
	if (c)
		c->tasks++;
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(sched_process_fork_btf)
{
	return on_fork();
}

SEC("raw_tp/sched_process_fork")
int BPF_PROG(sched_process_fork_raw)
{
	return on_fork();
}

SEC("tracepoint/sched/sched_process_fork")
int sched_process_fork_tp(void *ctx)
{
	return on_fork();
}

char LICENSE[] SEC("license") = "GPL";

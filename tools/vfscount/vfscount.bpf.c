// SPDX-License-Identifier: GPL-2.0
/*
 * vfscount: count calls of the kernel's vfs_* functions, per function.  One
 * program body: fentry (user space loads it once per function), kprobe.multi
 * (one attachment for all), or kprobe (one per function); each knows which
 * function it is in from bpf_get_func_ip().
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "bpf/filter.bpf.h"
#include "bpf/maps.bpf.h"
#include "bpf/missed.bpf.h"
#include "vfscount.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, VFS_FUNCS_MAX);
	__type(key, __u64);
	__type(value, __u64);
} counts SEC(".maps");

static __always_inline int on_call(void *ctx)
{
	__u64 ip = bpf_get_func_ip(ctx), zero = 0, *n;

	if (!filter_current())
		return 0;
	n = map_lookup_or_init(&counts, &ip, &zero);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		count_missed();
	return 0;
}

SEC("fentry/vfs_read")
int BPF_PROG(vfs_fentry)
{
	return on_call(ctx);
}

SEC("kprobe/vfs_read")
int BPF_KPROBE(vfs_kprobe)
{
	return on_call(ctx);
}

SEC("kprobe.multi/vfs_read")
int BPF_KPROBE(vfs_kprobe_multi)
{
	return on_call(ctx);
}

char LICENSE[] SEC("license") = "GPL";

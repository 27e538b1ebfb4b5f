// SPDX-License-Identifier: GPL-2.0
/* profile: count on-CPU stacks sampled by a per-CPU cpu-clock perf event. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "bpf/stacks.bpf.h"
#include "profile.h"

const volatile bool kernel_stacks = true;
const volatile bool user_stacks = true;
const volatile bool include_idle = false;
const volatile bool filter_pids = false;
const volatile bool filter_tids = false;
/* profile itself: its naming of stacks while sampling is not what is being profiled. */
const volatile __u32 self_pid = 0;

/* Samples not counted because profile_counts was full. */
__u64 samples_dropped = 0;

/* max_entries of these are set from the command line before load. */
STACK_TRACE_MAP(profile_stacks);
STACK_COUNT_MAP(profile_counts);

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u8);
} profile_pids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u8);
} profile_tids SEC(".maps");

static __always_inline bool wanted(__u32 pid, __u32 tid)
{
	/* Thread 0 is the idle task of each CPU. */
	if (!include_idle && tid == 0)
		return false;
	if (pid == self_pid)
		return false;
	if (filter_pids && !bpf_map_lookup_elem(&profile_pids, &pid))
		return false;
	if (filter_tids && !bpf_map_lookup_elem(&profile_tids, &tid))
		return false;
	return true;
}

SEC("perf_event")
int profile_sample(struct bpf_perf_event_data *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct stack_key key = {};

	if (!wanted(id >> 32, (__u32)id))
		return 0;
	stack_key_current(ctx, &profile_stacks, &key, id >> 32, kernel_stacks, user_stacks);
	stack_count(ctx, &profile_counts, &key, &samples_dropped);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

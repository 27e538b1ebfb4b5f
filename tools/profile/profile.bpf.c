// SPDX-License-Identifier: GPL-2.0
/* profile: count on-CPU stacks sampled by a per-CPU cpu-clock perf event. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "bpf/filter.bpf.h"
#include "bpf/stacks.bpf.h"
#include "profile.h"

const volatile bool kernel_stacks = true;
const volatile bool user_stacks = true;
const volatile bool include_idle = false;

/* max_entries of these are set from the command line before load. */
STACK_TRACE_MAP(profile_stacks);
STACK_COUNT_MAP(profile_counts);

SEC("perf_event")
int profile_sample(struct bpf_perf_event_data *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct stack_key key = {};

	/* Thread 0 is the idle task of each CPU; profile itself is left out by the filters. */
	if ((!include_idle && (__u32)id == 0) || !filter_current())
		return 0;
	/* The process as the tool's PID namespace numbers it: its /proc names the frames. */
	stack_key_current(ctx, &profile_stacks, &key, current_ids() >> 32, kernel_stacks,
			  user_stacks);
	stack_count(ctx, &profile_counts, &key);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

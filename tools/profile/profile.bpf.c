// SPDX-License-Identifier: GPL-2.0
/* profile: count on-CPU stacks sampled by a per-CPU cpu-clock perf event. */
#include "vmlinux.h"
#include <asm-generic/errno-base.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "profile.h"

#define EVENT_MAX_SIZE (sizeof(struct new_stack))
#include "bpf/events.bpf.h"

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
struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__uint(value_size, MAX_STACK_DEPTH * sizeof(__u64));
} profile_stacks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 40960);
	__type(key, struct stack_key);
	__type(value, __u64);
} profile_counts SEC(".maps");

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

static __always_inline void announce(void *ctx, const struct stack_key *key)
{
	struct new_stack e = { .pid = key->pid, .ustackid = key->ustackid };

	if (key->ustackid >= 0)
		event_output(ctx, &e, sizeof(e));
}

/* Count one more sample of key; a key seen for the first time is announced. */
static __always_inline void count_sample(void *ctx, const struct stack_key *key)
{
	static const __u64 one = 1;
	__u64 *count;
	long err;

	count = bpf_map_lookup_elem(&profile_counts, key);
	if (!count) {
		err = bpf_map_update_elem(&profile_counts, key, &one, BPF_NOEXIST);
		if (!err) {
			announce(ctx, key);
			return;
		}
		/* -EEXIST: another CPU inserted it first. */
		count = err == -EEXIST ? bpf_map_lookup_elem(&profile_counts, key) : NULL;
	}
	if (count)
		__sync_fetch_and_add(count, 1);
	else
		__sync_fetch_and_add(&samples_dropped, 1);
}

SEC("perf_event")
int profile_sample(struct bpf_perf_event_data *ctx)
{
	__u64 id = bpf_get_current_pid_tgid();
	struct stack_key key = {};

	if (!wanted(id >> 32, (__u32)id))
		return 0;
	key.pid = id >> 32;
	key.kstackid = -1;
	key.ustackid = -1;
	bpf_get_current_comm(key.comm, sizeof(key.comm));
	if (kernel_stacks)
		key.kstackid = bpf_get_stackid(ctx, &profile_stacks, 0);
	if (user_stacks)
		key.ustackid = bpf_get_stackid(ctx, &profile_stacks, BPF_F_USER_STACK);
	count_sample(ctx, &key);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

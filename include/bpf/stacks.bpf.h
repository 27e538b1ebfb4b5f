/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel half of stack tools (lib/stacks.c is the other): a stack trace
 * map, the key of the current task's stacks, and counting per key with each
 * new user stack announced, so user space names it while its process runs.
 * Includes bpf/events.bpf.h for the announcements.
 */
#ifndef BPFSCOPE_STACKS_BPF_H
#define BPFSCOPE_STACKS_BPF_H

#include <asm-generic/errno-base.h>

#include "stack_types.h"

#ifndef EVENT_MAX_SIZE
#define EVENT_MAX_SIZE (sizeof(struct new_stack))
#endif
#include "bpf/events.bpf.h"
#include "bpf/missed.bpf.h"

/* User space sizes it before load: stacks_size_map() in stacks.h. */
#define STACK_TRACE_MAP(name)                                        \
	struct {                                                     \
		__uint(type, BPF_MAP_TYPE_STACK_TRACE);              \
		__uint(max_entries, STACK_STORAGE_DEFAULT);          \
		__type(key, __u32);                                  \
		__uint(value_size, STACK_MAX_DEPTH * sizeof(__u64)); \
	} name SEC(".maps")

/* Samples per struct stack_key (stacks_print_counts() drains them). */
#define STACK_COUNT_MAP(name)                              \
	struct {                                           \
		__uint(type, BPF_MAP_TYPE_HASH);           \
		__uint(max_entries, STACK_COUNTS_DEFAULT); \
		__type(key, struct stack_key);             \
		__type(value, __u64);                      \
	} name SEC(".maps")

/* The current task's key: its kernel and user stack ids, -1 for a side not asked for. */
static __always_inline void stack_key_current(void *ctx, void *stack_map, struct stack_key *key,
					      __u32 pid, bool kernel, bool user)
{
	key->pid = pid;
	key->kstackid = -1;
	key->ustackid = -1;
	bpf_get_current_comm(key->comm, sizeof(key->comm));
	if (kernel)
		key->kstackid = bpf_get_stackid(ctx, stack_map, 0);
	if (user)
		key->ustackid = bpf_get_stackid(ctx, stack_map, BPF_F_USER_STACK);
}

static __always_inline void stack_announce(void *ctx, const struct stack_key *key)
{
	struct new_stack e = { .pid = key->pid, .ustackid = key->ustackid };

	if (key->ustackid >= 0)
		event_output(ctx, &e, sizeof(e));
}

/* Time per pair of stacks, struct wake_key (stacks_print_wake_counts() drains them). */
#define WAKE_COUNT_MAP(name)                               \
	struct {                                           \
		__uint(type, BPF_MAP_TYPE_HASH);           \
		__uint(max_entries, STACK_COUNTS_DEFAULT); \
		__type(key, struct wake_key);              \
		__type(value, __u64);                      \
	} name SEC(".maps")

/*
 * Add value to key's count in counts (a key of any type): 1 when the key is
 * new, 0 when it was there, -1 when the full map had no room (counted as
 * missed: bpf/missed.bpf.h, reported by the runner with the events lost).
 */
static __always_inline int counts_add(void *counts, const void *key, __u64 value)
{
	__u64 *count;
	long err;

	count = bpf_map_lookup_elem(counts, key);
	if (!count) {
		err = bpf_map_update_elem(counts, key, &value, BPF_NOEXIST);
		if (!err)
			return 1;
		/* -EEXIST: another CPU inserted it first. */
		count = err == -EEXIST ? bpf_map_lookup_elem(counts, key) : NULL;
	}
	if (!count) {
		count_missed();
		return -1;
	}
	__sync_fetch_and_add(count, value);
	return 0;
}

/* Add value (samples, microseconds) to key's count; a key seen for the first time is announced. */
static __always_inline void stack_add(void *ctx, void *counts, const struct stack_key *key,
				      __u64 value)
{
	if (counts_add(counts, key, value) > 0)
		stack_announce(ctx, key);
}

/* Count one more sample of key in counts. */
static __always_inline void stack_count(void *ctx, void *counts, const struct stack_key *key)
{
	stack_add(ctx, counts, key, 1);
}

/* As stack_add, for a pair: both user stacks are announced when the pair is new. */
static __always_inline void wake_add(void *ctx, void *counts, const struct wake_key *key,
				     __u64 value)
{
	if (counts_add(counts, key, value) > 0) {
		stack_announce(ctx, &key->target);
		stack_announce(ctx, &key->waker);
	}
}

#endif

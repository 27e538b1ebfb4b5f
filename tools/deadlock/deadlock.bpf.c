// SPDX-License-Identifier: GPL-2.0
/*
 * deadlock: the lock order graph of one process.  A uprobe on each lock
 * function records, for every mutex the thread already holds, the edge
 * (held, asked for) with where each was asked for; unlock functions drop the
 * mutex from the thread's list, a trylock adds it when it succeeds (it never
 * waits, so it adds no edge).  User space looks for cycles.  Thread creation
 * (task_newtask) records who created each thread, and where.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "deadlock.h"
#define EVENT_MAX_SIZE (sizeof(struct deadlock_exit))
#include "bpf/filter.bpf.h"
#include "bpf/stacks.bpf.h"

#define CLONE_THREAD 0x00010000

STACK_TRACE_MAP(deadlock_stacks);

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536); /* -t */
	__type(key, __u32);
	__type(value, struct held_locks);
} held_locks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536); /* -e */
	__type(key, struct lock_edge);
	__type(value, struct edge_info);
} edges SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536); /* -t */
	__type(key, __u32);
	__type(value, struct thread_origin);
} threads SEC(".maps");

/* A trylock between its entry and return: the mutex and where it was asked for. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct held);
} trying SEC(".maps");

/* A pthread_create() on its way to the clone: its site, by the creating thread. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct lock_site);
} creating SEC(".maps");

/* The stack ids already announced (to be named while the process runs). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __s32);
	__type(value, __u8);
} announced SEC(".maps");

static __always_inline void announce(void *ctx, __s32 stack_id)
{
	__u8 one = 1;

	if (stack_id >= 0 && !bpf_map_update_elem(&announced, &stack_id, &one, BPF_NOEXIST))
		stack_announce(ctx, &(struct stack_key){ .pid = current_ids() >> 32,
							 .ustackid = stack_id });
}

static __always_inline void site_here(struct pt_regs *ctx, struct lock_site *site)
{
	site->caller = 0;
	bpf_probe_read_user(&site->caller, sizeof(site->caller), (void *)PT_REGS_SP(ctx));
	site->stack_id = bpf_get_stackid(ctx, &deadlock_stacks, BPF_F_USER_STACK);
}

static __always_inline struct held_locks *thread_locks(__u32 tid)
{
	static const struct held_locks empty;
	struct held_locks *h = bpf_map_lookup_elem(&held_locks, &tid);

	if (h)
		return h;
	bpf_map_update_elem(&held_locks, &tid, &empty, BPF_NOEXIST);
	h = bpf_map_lookup_elem(&held_locks, &tid);
	if (!h)
		count_missed();
	return h;
}

static __always_inline void push(struct held_locks *h, const struct held *l)
{
	__u32 n = h->n;

	if (n < DEADLOCK_HELD_MAX)
		h->locks[n] = *l;
	else
		count_missed();
	if (n < DEADLOCK_HELD_MAX)
		h->n = n + 1;
}

/* An edge from each mutex the thread holds to the one it asks for now. */
static __always_inline void add_edges(void *ctx, struct held_locks *h, const struct held *l,
				      __u32 tid)
{
	struct edge_info info = { .site2 = l->site, .tid = tid };
	struct lock_edge key = { .mutex2 = l->mutex };

	bpf_get_current_comm(info.comm, sizeof(info.comm));
	for (int i = 0; i < DEADLOCK_HELD_MAX; i++) {
		if (i >= h->n)
			break;
		key.mutex1 = h->locks[i].mutex;
		if (key.mutex1 == key.mutex2)
			continue; /* a recursive mutex */
		info.site1 = h->locks[i].site;
		if (!bpf_map_update_elem(&edges, &key, &info, BPF_NOEXIST)) {
			announce(ctx, info.site1.stack_id);
			announce(ctx, info.site2.stack_id);
		}
	}
}

SEC("uprobe")
int BPF_KPROBE(lock_enter, void *mutex)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct held l = { .mutex = (__u64)mutex };
	struct held_locks *h;

	if (!filter_current())
		return 0;
	h = thread_locks(tid);
	if (!h)
		return 0;
	site_here(ctx, &l.site);
	add_edges(ctx, h, &l, current_ids());
	push(h, &l);
	return 0;
}

SEC("uprobe")
int BPF_KPROBE(trylock_enter, void *mutex)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct held l = { .mutex = (__u64)mutex };

	if (!filter_current())
		return 0;
	site_here(ctx, &l.site);
	bpf_map_update_elem(&trying, &tid, &l, BPF_ANY);
	return 0;
}

SEC("uretprobe")
int BPF_KRETPROBE(trylock_return, int ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct held *l = bpf_map_lookup_elem(&trying, &tid);
	struct held_locks *h;
	struct held copy;

	if (!l)
		return 0;
	copy = *l;
	bpf_map_delete_elem(&trying, &tid);
	h = ret ? NULL : thread_locks(tid);
	if (h)
		push(h, &copy);
	return 0;
}

/* The last time the thread took it goes; the mutexes taken after it move down. */
SEC("uprobe")
int BPF_KPROBE(unlock_enter, void *mutex)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct held_locks *h = bpf_map_lookup_elem(&held_locks, &tid);
	int found = -1;

	if (!h)
		return 0;
	for (int i = 0; i < DEADLOCK_HELD_MAX; i++) {
		if (i < h->n && h->locks[i].mutex == (__u64)mutex)
			found = i;
	}
	if (found < 0)
		return 0;
	for (int i = 0; i < DEADLOCK_HELD_MAX - 1; i++) {
		if (i >= found && i + 1 < h->n)
			h->locks[i] = h->locks[i + 1];
	}
	h->n--;
	return 0;
}

/* A thread of the process is created (in its creator's context). */
static __always_inline int on_new_task(void *ctx, __u64 flags, __u32 tid)
{
	__u32 self = (__u32)bpf_get_current_pid_tgid();
	struct thread_origin info = {};
	struct lock_site *site;

	if (!(flags & CLONE_THREAD) || !ids_filtered() || !filter_current() || !tid)
		return 0;
	site = bpf_map_lookup_elem(&creating, &self);
	if (site) {
		info.site = *site;
		bpf_map_delete_elem(&creating, &self);
	} else {
		info.site.stack_id = bpf_get_stackid(ctx, &deadlock_stacks, BPF_F_USER_STACK);
	}
	info.parent_tid = current_ids();
	bpf_get_current_comm(info.comm, sizeof(info.comm));
	bpf_map_update_elem(&threads, &tid, &info, BPF_ANY);
	announce(ctx, info.site.stack_id);
	return 0;
}

/* pthread_create(): where the thread is asked for (the clone's own stack is libc's). */
SEC("uprobe")
int BPF_KPROBE(thread_create_enter)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct lock_site site;

	if (!filter_current())
		return 0;
	site_here(ctx, &site);
	bpf_map_update_elem(&creating, &tid, &site, BPF_ANY);
	return 0;
}

static __always_inline __u32 task_tid_in_tool_ns(struct task_struct *t)
{
	if (!pidns_ino)
		return BPF_CORE_READ(t, pid);
	return pid_nr_in_tool_ns(BPF_CORE_READ(t, thread_pid));
}

SEC("tp_btf/task_newtask")
int BPF_PROG(task_newtask_btf, struct task_struct *task, __u64 clone_flags)
{
	return on_new_task(ctx, clone_flags, task_tid_in_tool_ns(task));
}

SEC("raw_tp/task_newtask")
int BPF_PROG(task_newtask_raw, struct task_struct *task, __u64 clone_flags)
{
	return on_new_task(ctx, clone_flags, task_tid_in_tool_ns(task));
}

/* The task:task_newtask record, unchanged since it was added in 3.1. */
struct newtask_record {
	__u64 common;
	int pid;
	char comm[TASK_COMM_LEN];
	unsigned long clone_flags;
};

SEC("tracepoint/task/task_newtask")
int task_newtask_tp(struct newtask_record *ctx)
{
	return on_new_task(ctx, ctx->clone_flags, pidns_ino ? 0 : ctx->pid);
}

/* The process has ended (its last thread): user space looks a last time and stops. */
static __always_inline int on_process_exit(void *ctx, struct task_struct *task)
{
	struct deadlock_exit e = {};

	if (!ids_filtered() || !filter_task(task) || BPF_CORE_READ(task, signal, live.counter))
		return 0;
	e.pid = current_ids() >> 32;
	event_output(ctx, &e, sizeof(e));
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(sched_process_exit_btf, struct task_struct *task)
{
	return on_process_exit(ctx, task);
}

SEC("raw_tp/sched_process_exit")
int BPF_PROG(sched_process_exit_raw, struct task_struct *task)
{
	return on_process_exit(ctx, task);
}

/* The classic record has no task: it is the current one. */
SEC("tracepoint/sched/sched_process_exit")
int sched_process_exit_tp(void *ctx)
{
	return on_process_exit(ctx, (struct task_struct *)bpf_get_current_task());
}

char LICENSE[] SEC("license") = "GPL";

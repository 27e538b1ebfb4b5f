// SPDX-License-Identifier: GPL-2.0
/*
 * threadsnoop: each new thread, reported by the kernel as it is created
 * (task_newtask with CLONE_THREAD, in the creating thread).  Where user space
 * attaches the uprobe on pthread_create(), the start routine it was given is
 * kept per calling thread until that thread's clone reaches the tracepoint.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/events.bpf.h"
#include "bpf/filter.bpf.h"
#include "bpf/task.bpf.h"
#include "threadsnoop.h"

#define CLONE_THREAD 0x00010000

/* Calling thread (host tid) -> start routine; LRU: a pthread_create() that fails leaves one. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u64);
} start_routine SEC(".maps");

static __always_inline __u64 take_start_routine(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 *fn = bpf_map_lookup_elem(&start_routine, &tid), func;

	if (!fn)
		return 0;
	func = *fn;
	bpf_map_delete_elem(&start_routine, &tid);
	return func;
}

/* tid_known: false where only the global number is at hand (classic tracepoint, in a pidns). */
static __always_inline int on_new_task(void *ctx, __u64 flags, __u32 tid)
{
	struct thread_event *e;
	__u64 func;

	if (!(flags & CLONE_THREAD))
		return 0;
	func = take_start_routine();
	if (!filter_current())
		return 0;
	e = event_reserve(sizeof(*e));
	if (!e)
		return 0;
	e->ts_ns = bpf_ktime_get_ns();
	e->func = func;
	e->pid = current_ids() >> 32;
	e->tid = tid;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	event_submit(ctx, e, sizeof(*e));
	return 0;
}

TASK_NEWTASK_PROGS(on_new_task)

/* pthread_create(thread, attr, start_routine, arg): attached by user space to libc. */
SEC("uprobe")
int BPF_KPROBE(pthread_create_entry, void *thread, void *attr, void *start)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 func = (__u64)start;

	bpf_map_update_elem(&start_routine, &tid, &func, BPF_ANY);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

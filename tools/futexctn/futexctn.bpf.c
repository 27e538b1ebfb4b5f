// SPDX-License-Identifier: GPL-2.0
/*
 * futexctn: how long threads wait in futex(FUTEX_WAIT) for a lock word held
 * by another thread (the slow path of a contended pthread mutex), as a log2
 * histogram per thread, futex word and user stack.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/bits.bpf.h"
#include "bpf/filter.bpf.h"
#include "bpf/missed.bpf.h"
#include "bpf/stacks.bpf.h"
#include "bpf/syscalls.bpf.h"
#include "futexctn.h"

#define FUTEX_WAIT	     0
#define FUTEX_PRIVATE_FLAG   128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_CMD(op)	     ((op) & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))

const volatile __u64 filter_lock = 0; /* -l */
const volatile bool summary = false;  /* -s: per process, no stacks */
const volatile bool in_msecs = false; /* -m */

struct wait_start {
	__u64 ts;
	__u64 uaddr;
};

/* tid -> the wait it is in. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, START_ROOM);
	__type(key, __u32);
	__type(value, struct wait_start);
} start SEC(".maps");

STACK_TRACE_MAP(stacks);

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_HISTS);
	__type(key, struct ctn_key);
	__type(value, struct ctn_hist);
} hists SEC(".maps");

static const struct ctn_hist zero_hist;

static __always_inline int on_enter(__u64 uaddr, int op)
{
	struct wait_start w = { .uaddr = uaddr };
	__u32 tid;

	if (FUTEX_CMD(op) != FUTEX_WAIT || (filter_lock && uaddr != filter_lock))
		return 0;
	if (!filter_current())
		return 0;
	tid = (__u32)bpf_get_current_pid_tgid();
	w.ts = bpf_ktime_get_ns();
	if (bpf_map_update_elem(&start, &tid, &w, BPF_ANY))
		count_missed();
	return 0;
}

static __always_inline void update_min_max(struct ctn_hist *h, __u64 ns)
{
	__u64 old = h->min_ns;

	/* Two CPUs updating one key at once may keep the other's value: rare and harmless. */
	if (!old || ns < old)
		__sync_val_compare_and_swap(&h->min_ns, old, ns);
	old = h->max_ns;
	if (ns > old)
		__sync_val_compare_and_swap(&h->max_ns, old, ns);
}

static __always_inline int on_exit(void *ctx, long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct ctn_key key = {};
	struct wait_start *w;
	struct ctn_hist *h;
	__u64 ids, ns;

	w = bpf_map_lookup_elem(&start, &tid);
	if (!w)
		return 0;
	ns = bpf_ktime_get_ns() - w->ts;
	key.uaddr = w->uaddr;
	bpf_map_delete_elem(&start, &tid);
	/* -EAGAIN: the word changed before the thread slept (no wait); -EINTR, -ETIMEDOUT. */
	if (ret < 0 || (__s64)ns < 0)
		return 0;
	ids = current_ids();
	stack_key_current(ctx, &stacks, &key.stack, ids >> 32, false, !summary);
	key.tid = summary ? ids >> 32 : (__u32)ids;
	h = bpf_map_lookup_elem(&hists, &key);
	if (!h) {
		/* A new key: its user stack is named now, while its process runs. */
		if (!bpf_map_update_elem(&hists, &key, &zero_hist, BPF_NOEXIST))
			stack_announce(ctx, &key.stack);
		h = bpf_map_lookup_elem(&hists, &key);
	}
	if (!h) {
		count_missed();
		return 0;
	}
	__sync_fetch_and_add(&h->slots[log2_slot(ns / (in_msecs ? 1000000 : 1000), MAX_SLOTS - 1)],
			     1);
	__sync_fetch_and_add(&h->count, 1);
	__sync_fetch_and_add(&h->total_ns, ns);
	update_min_max(h, ns);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_futex")
int futex_enter(struct syscall_trace_enter *ctx)
{
	return on_enter(ctx->args[0], (int)ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_exit_futex")
int futex_exit(struct syscall_trace_exit *ctx)
{
	return on_exit(ctx, ctx->ret);
}

SEC("raw_tp/sys_enter")
int BPF_PROG(sys_enter_raw, struct pt_regs *regs, long nr)
{
	if (nr != __NR_futex || !native_syscall(regs))
		return 0;
	return on_enter(SYSCALL_ARG(regs, 1, true), (int)SYSCALL_ARG(regs, 2, true));
}

SEC("raw_tp/sys_exit")
int BPF_PROG(sys_exit_raw, struct pt_regs *regs, long ret)
{
	if (syscall_nr(regs) != __NR_futex || !native_syscall(regs))
		return 0;
	return on_exit(ctx, ret);
}

char LICENSE[] SEC("license") = "GPL";

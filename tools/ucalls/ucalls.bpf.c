// SPDX-License-Identifier: GPL-2.0
/*
 * ucalls: method calls of a high-level language runtime, from its USDT entry
 * and return probes (include/bpf/ulang.bpf.h reads the names), counted per
 * class and method; with -L each call timed from entry to return (a
 * per-thread stack of entry times, so recursive calls are timed each); with
 * -S the process's system calls too (raw_syscalls).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/usdt.bpf.h>

#include "bpf/filter.bpf.h"
#include "bpf/missed.bpf.h"
#include "bpf/syscalls.bpf.h"
#include "bpf/ulang.bpf.h"
#include "ucalls.h"

const volatile bool latency = false; /* -L */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_METHODS);
	__type(key, struct ulang_name);
	__type(value, struct call_stats);
} calls SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_SYSCALLS);
	__type(key, __u32);
	__type(value, struct call_stats);
} syscalls SEC(".maps");

/* -L: a thread's calls in progress, their entry times (beyond MAX_DEPTH: counted, not timed). */
struct entries {
	__u32 depth;
	__u64 ts[MAX_DEPTH];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct entries);
} stacks SEC(".maps");

/* -L -S: when the thread's current system call entered. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u64);
} sys_start SEC(".maps");

/* Scratch for a name (too large for the BPF stack with the rest), per CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ulang_name);
} scratch SEC(".maps");

static const struct call_stats zero_stats;
static const struct entries zero_entries;

static __always_inline void add(void *map, const void *key, __u64 ns)
{
	struct call_stats *s = bpf_map_lookup_elem(map, key);

	if (!s) {
		if (bpf_map_update_elem(map, key, &zero_stats, BPF_NOEXIST) == -E2BIG) {
			count_missed(); /* more distinct calls than the map holds */
			return;
		}
		s = bpf_map_lookup_elem(map, key);
		if (!s)
			return;
	}
	__sync_fetch_and_add(&s->count, 1);
	if (ns)
		__sync_fetch_and_add(&s->ns, ns);
}

static __always_inline int count_call(struct pt_regs *ctx, __u64 ns)
{
	__u32 zero = 0;
	struct ulang_name *n = bpf_map_lookup_elem(&scratch, &zero);

	if (!n)
		return 0;
	ulang_read_name(ctx, n);
	add(&calls, n, ns);
	return 0;
}

/* -L: a call's entry time, pushed on its thread's stack. */
SEC("usdt")
int method_entry(struct pt_regs *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct entries *e;
	__u32 d;

	if (!filter_current())
		return 0;
	e = bpf_map_lookup_elem(&stacks, &tid);
	if (!e) {
		bpf_map_update_elem(&stacks, &tid, &zero_entries, BPF_NOEXIST);
		e = bpf_map_lookup_elem(&stacks, &tid);
		if (!e)
			return 0;
	}
	d = e->depth++;
	if (d < MAX_DEPTH)
		e->ts[d] = bpf_ktime_get_ns();
	return 0;
}

/*
 * A call is counted at its return, which names it too: CPython 3.11 fires
 * function__entry only while a trace function is set, function__return
 * always.  With -L, timed from the entry on the thread's stack, if there is
 * one (none: it entered before the tool attached, or no entry probe fired).
 */
SEC("usdt")
int method_return(struct pt_regs *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct entries *e;
	__u64 ns = 0;
	__u32 d;

	if (!filter_current())
		return 0;
	e = latency ? bpf_map_lookup_elem(&stacks, &tid) : NULL;
	if (e && e->depth) {
		d = --e->depth;
		if (d < MAX_DEPTH)
			ns = bpf_ktime_get_ns() - e->ts[d];
	}
	return count_call(ctx, ns);
}

static __always_inline int on_sys_enter(void)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 ts = bpf_ktime_get_ns();

	if (latency && filter_current())
		bpf_map_update_elem(&sys_start, &tid, &ts, BPF_ANY);
	return 0;
}

static __always_inline int on_sys_exit(long nr)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid(), key = nr;
	__u64 *ts, ns = 0;

	if (!filter_current() || nr < 0 || nr >= MAX_SYSCALLS)
		return 0;
	if (latency) {
		ts = bpf_map_lookup_elem(&sys_start, &tid);
		if (!ts)
			return 0;
		ns = bpf_ktime_get_ns() - *ts;
		bpf_map_delete_elem(&sys_start, &tid);
	}
	add(&syscalls, &key, ns);
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(sys_enter_btf, struct pt_regs *regs, long id)
{
	return on_sys_enter();
}

SEC("raw_tp/sys_enter")
int BPF_PROG(sys_enter_raw, struct pt_regs *regs, long id)
{
	return on_sys_enter();
}

SEC("tracepoint/raw_syscalls/sys_enter")
int sys_enter_tp(void *ctx)
{
	return on_sys_enter();
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sys_exit_btf, struct pt_regs *regs, long ret)
{
	return on_sys_exit(native_syscall(regs) ? syscall_nr(regs) : -1);
}

SEC("raw_tp/sys_exit")
int BPF_PROG(sys_exit_raw, struct pt_regs *regs, long ret)
{
	return on_sys_exit(native_syscall(regs) ? syscall_nr(regs) : -1);
}

SEC("tracepoint/raw_syscalls/sys_exit")
int sys_exit_tp(struct trace_event_raw_sys_exit *ctx)
{
	return on_sys_exit(ctx->id);
}

char LICENSE[] SEC("license") = "GPL";

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Signals on the BPF side (sigsnoop, killsnoop): the -x and -s filters, and
 * kill(2), tkill(2) and tgkill(2) traced by their entry and exit.  The target
 * and signal are kept per thread at entry and sent with the result at exit,
 * as a struct signal_event (include/signals.h).  The programs' names are the
 * ones lib/signals.c chooses among (syscall tracepoints, else raw_syscalls).
 *
 * Include after bpf/filter.bpf.h, bpf/syscalls.bpf.h and bpf/events.bpf.h.
 */
#ifndef BPFSCOPE_SIGNALS_BPF_H
#define BPFSCOPE_SIGNALS_BPF_H

#include "signals.h"

const volatile bool filter_failed = false; /* -x: failed only */
/* -s (lib/signals.c): only these signals, bit n - 1 for signal n, signal_zero for 0 */
const volatile bool signal_filter = false;
const volatile __u64 signal_mask = 0;
const volatile bool signal_zero = false;
const volatile __s32 filter_target = 0; /* killsnoop -T: the target passed (or tgkill's tgid) */

struct kill_call {
	__s32 tpid;
	__s32 ttgid;
	__s32 sig;
	__u32 source;
};

/* Calls between entry and exit: one per thread at most. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct kill_call);
} kill_calls SEC(".maps");

static __always_inline bool signal_wanted(int sig)
{
	if (!signal_filter)
		return true;
	if (sig == 0)
		return signal_zero;
	return sig > 0 && sig <= SIGNAL_MAX && (signal_mask >> (sig - 1)) & 1;
}

/* The sender's half of a record: time, ids, name. */
static __always_inline void signal_event_sender(struct signal_event *e)
{
	__u64 id = current_ids(); /* as the tool's PID namespace numbers them */

	e->ts_ns = bpf_ktime_get_ns();
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
}

static __always_inline int on_kill_enter(enum signal_source source, __s32 ttgid, __s32 tpid,
					 __s32 sig)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct kill_call c = { .tpid = tpid, .ttgid = ttgid, .sig = sig, .source = source };

	if (!signal_wanted(sig))
		return 0;
	if (filter_target && tpid != filter_target && ttgid != filter_target)
		return 0;
	if (!filter_current())
		return 0;
	if (bpf_map_update_elem(&kill_calls, &tid, &c, BPF_ANY))
		count_missed();
	return 0;
}

static __always_inline int on_kill_exit(void *ctx, long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct signal_event *e;
	struct kill_call *c;

	c = bpf_map_lookup_elem(&kill_calls, &tid);
	if (!c)
		return 0;
	if (filter_failed && ret >= 0)
		goto out;
	e = event_reserve(sizeof(*e));
	if (!e)
		goto out;
	__builtin_memset(e, 0, sizeof(*e));
	signal_event_sender(e);
	e->tpid = c->tpid;
	e->ttgid = c->ttgid;
	e->sig = c->sig;
	e->source = c->source;
	e->ret = ret;
	event_submit(ctx, e, sizeof(*e));
out:
	bpf_map_delete_elem(&kill_calls, &tid);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_kill")
int kill_enter(struct syscall_trace_enter *ctx)
{
	return on_kill_enter(SIGNAL_KILL, 0, (__s32)ctx->args[0], (__s32)ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_exit_kill")
int kill_exit(struct syscall_trace_exit *ctx)
{
	return on_kill_exit(ctx, ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_tkill")
int tkill_enter(struct syscall_trace_enter *ctx)
{
	return on_kill_enter(SIGNAL_TKILL, 0, (__s32)ctx->args[0], (__s32)ctx->args[1]);
}

SEC("tracepoint/syscalls/sys_exit_tkill")
int tkill_exit(struct syscall_trace_exit *ctx)
{
	return on_kill_exit(ctx, ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_tgkill")
int tgkill_enter(struct syscall_trace_enter *ctx)
{
	return on_kill_enter(SIGNAL_TGKILL, (__s32)ctx->args[0], (__s32)ctx->args[1],
			     (__s32)ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_exit_tgkill")
int tgkill_exit(struct syscall_trace_exit *ctx)
{
	return on_kill_exit(ctx, ctx->ret);
}

/* Kernels without syscall tracepoints: raw_syscalls, the three calls picked by number. */
SEC("raw_tp/sys_enter")
int BPF_PROG(kill_sys_enter_raw, struct pt_regs *regs, long id)
{
	enum signal_source source;

	if (id == __NR_kill)
		source = SIGNAL_KILL;
	else if (id == __NR_tkill)
		source = SIGNAL_TKILL;
	else if (id == __NR_tgkill)
		source = SIGNAL_TGKILL;
	else
		return 0;
	if (!native_syscall(regs))
		return 0;
	if (source == SIGNAL_TGKILL)
		return on_kill_enter(source, PT_REGS_PARM1_CORE_SYSCALL(regs),
				     PT_REGS_PARM2_CORE_SYSCALL(regs),
				     PT_REGS_PARM3_CORE_SYSCALL(regs));
	return on_kill_enter(source, 0, PT_REGS_PARM1_CORE_SYSCALL(regs),
			     PT_REGS_PARM2_CORE_SYSCALL(regs));
}

/* Only a call stashed at entry (a native kill, tkill or tgkill) has a record to finish. */
SEC("raw_tp/sys_exit")
int BPF_PROG(kill_sys_exit_raw, struct pt_regs *regs, long ret)
{
	long nr = syscall_nr(regs);

	if (nr != __NR_kill && nr != __NR_tkill && nr != __NR_tgkill)
		return 0;
	return on_kill_exit(ctx, ret);
}

#endif

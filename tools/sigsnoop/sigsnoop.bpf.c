// SPDX-License-Identifier: GPL-2.0
/*
 * sigsnoop: every signal the kernel generates (signal:signal_generate), with
 * its sender, target and result; with -k the kill(2), tkill(2) and tgkill(2)
 * calls instead (include/bpf/signals.bpf.h, shared with killsnoop).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/filter.bpf.h"
#include "bpf/syscalls.bpf.h"
#include "sigsnoop.h"

#define EVENT_MAX_SIZE (sizeof(struct signal_event))
#include "bpf/events.bpf.h"
#include "bpf/signals.bpf.h"

/* include/linux/sched/signal.h: info pointers that stand for no siginfo. */
#define SEND_SIG_NOINFO 0
#define SEND_SIG_PRIV	1
#define SI_USER		0
#define SI_KERNEL	0x80

/* A record for a wanted signal, its sender filled in; NULL: not wanted, or no room. */
static __always_inline struct signal_event *generated_event(int sig, int group, int result)
{
	struct signal_event *e;

	if (filter_failed && result == SIGNAL_DELIVERED)
		return NULL;
	if (!signal_wanted(sig) || !filter_current())
		return NULL;
	e = event_reserve(sizeof(*e));
	if (!e)
		return NULL;
	__builtin_memset(e, 0, sizeof(*e));
	signal_event_sender(e);
	e->sig = sig;
	e->group = group != 0;
	e->ret = result;
	e->source = SIGNAL_GENERATED;
	return e;
}

/* si_code as the tracepoint records it. */
static __always_inline int siginfo_code(struct kernel_siginfo *info)
{
	if ((unsigned long)info == SEND_SIG_NOINFO)
		return SI_USER;
	if ((unsigned long)info == SEND_SIG_PRIV)
		return SI_KERNEL;
	return BPF_CORE_READ(info, si_code);
}

/* tp_btf and raw_tp: the target task itself, numbered in the tool's PID namespace. */
static __always_inline int on_generate(void *ctx, int sig, struct kernel_siginfo *info,
				       struct task_struct *task, int group, int result)
{
	struct signal_event *e = generated_event(sig, group, result);

	if (!e)
		return 0;
	e->code = siginfo_code(info);
	if (pidns_ino)
		e->tpid = pid_nr_in_tool_ns(BPF_CORE_READ(task, thread_pid));
	else
		e->tpid = BPF_CORE_READ(task, pid);
	e->ttgid = task_tgid_in_tool_ns(task);
	BPF_CORE_READ_STR_INTO(&e->tcomm, task, comm);
	event_submit(ctx, e, sizeof(*e));
	return 0;
}

SEC("tp_btf/signal_generate")
int BPF_PROG(signal_generate_btf, int sig, struct kernel_siginfo *info, struct task_struct *task,
	     int group, int result)
{
	return on_generate(ctx, sig, info, task, group, result);
}

SEC("raw_tp/signal_generate")
int BPF_PROG(signal_generate_raw, int sig, struct kernel_siginfo *info, struct task_struct *task,
	     int group, int result)
{
	return on_generate(ctx, sig, info, task, group, result);
}

/* The classic tracepoint's record has the target's number (the initial namespace's) and name. */
SEC("tracepoint/signal/signal_generate")
int signal_generate_tp(struct trace_event_raw_signal_generate *ctx)
{
	struct signal_event *e = generated_event(ctx->sig, ctx->group, ctx->result);

	if (!e)
		return 0;
	e->code = ctx->code;
	e->tpid = ctx->pid;
	bpf_probe_read_kernel(e->tcomm, sizeof(e->tcomm), ctx->comm);
	event_submit(ctx, e, sizeof(*e));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

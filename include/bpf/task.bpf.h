/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The programs of two task tracepoints on every hook kind (tp_btf, raw_tp,
 * the classic tracepoint: one per kind, for hook_choose_each) around the
 * tool's handler.  Needs filter.bpf.h first.
 *
 *	static __always_inline int on_new_task(void *ctx, __u64 clone_flags, __u32 tid);
 *	TASK_NEWTASK_PROGS(on_new_task)
 *
 * tid as the tool's PID namespace numbers it; the classic record has only the
 * global one, so in a PID namespace it is 0 (unknown) there.
 *
 *	static __always_inline int on_exit(void *ctx, struct task_struct *task);
 *	SCHED_PROCESS_EXIT_PROGS(on_exit)
 *
 * task is the exiting task, which is current (the classic record has no task).
 */
#ifndef BPFSCOPE_TASK_BPF_H
#define BPFSCOPE_TASK_BPF_H

/* The task:task_newtask record, unchanged since it was added in 3.1. */
struct newtask_record {
	__u64 common;
	int pid;
	char comm[TASK_COMM_LEN];
	unsigned long clone_flags;
};

/* clang-format off */
#define TASK_NEWTASK_PROGS(handler)							\
SEC("tp_btf/task_newtask")								\
int BPF_PROG(task_newtask_btf, struct task_struct *task, __u64 clone_flags)		\
{											\
	return handler(ctx, clone_flags, task_tid_in_tool_ns(task));			\
}											\
SEC("raw_tp/task_newtask")								\
int BPF_PROG(task_newtask_raw, struct task_struct *task, __u64 clone_flags)		\
{											\
	return handler(ctx, clone_flags, task_tid_in_tool_ns(task));			\
}											\
SEC("tracepoint/task/task_newtask")							\
int task_newtask_tp(struct newtask_record *ctx)						\
{											\
	return handler(ctx, ctx->clone_flags, pidns_ino ? 0 : ctx->pid);		\
}

#define SCHED_PROCESS_EXIT_PROGS(handler)						\
SEC("tp_btf/sched_process_exit")							\
int BPF_PROG(sched_process_exit_btf, struct task_struct *task)				\
{											\
	return handler(ctx, task);							\
}											\
SEC("raw_tp/sched_process_exit")							\
int BPF_PROG(sched_process_exit_raw, struct task_struct *task)				\
{											\
	return handler(ctx, task);							\
}											\
SEC("tracepoint/sched/sched_process_exit")						\
int sched_process_exit_tp(void *ctx)							\
{											\
	return handler(ctx, (struct task_struct *)bpf_get_current_task());		\
}
/* clang-format on */

#endif

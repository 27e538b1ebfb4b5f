// SPDX-License-Identifier: GPL-2.0
/*
 * shmsnoop: System V shared memory calls (shmget, shmat, shmdt, shmctl) with
 * their arguments, stashed per thread at entry, and their result at exit.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/filter.bpf.h"
#include "bpf/syscalls.bpf.h"
#include "shmsnoop.h"

#define EVENT_MAX_SIZE (sizeof(struct shm_event))
#include "bpf/events.bpf.h"

const volatile bool filter_failed = false; /* -x: failed calls only */

struct call_args {
	__u64 args[SHM_ARGS];
	__u32 call;
};

/* Calls in flight, by thread; sized by user space to the threads alive. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct call_args);
} stash SEC(".maps");

static __always_inline int on_enter(enum shm_call call, __u64 a0, __u64 a1, __u64 a2)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct call_args a = { { a0, a1, a2 }, call };

	if (!filter_current())
		return 0;
	if (bpf_map_update_elem(&stash, &tid, &a, BPF_ANY))
		events_count_lost();
	return 0;
}

static __always_inline int on_exit(void *ctx, long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 id = current_ids(); /* numbered as -p/-t take them (the tool's PID namespace) */
	struct call_args *a;
	struct shm_event *e;

	a = bpf_map_lookup_elem(&stash, &tid);
	if (!a)
		return 0;
	if (filter_failed && ret >= 0)
		goto out;
	e = event_reserve(sizeof(*e));
	if (!e)
		goto out;
	e->ts_ns = bpf_ktime_get_ns();
	e->args[0] = a->args[0];
	e->args[1] = a->args[1];
	e->args[2] = a->args[2];
	e->ret = ret;
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->call = a->call;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	event_submit(ctx, e, sizeof(*e));
out:
	bpf_map_delete_elem(&stash, &tid);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_shmget")
int shmget_enter(struct syscall_trace_enter *ctx)
{
	return on_enter(CALL_SHMGET, ctx->args[0], ctx->args[1], ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_enter_shmat")
int shmat_enter(struct syscall_trace_enter *ctx)
{
	return on_enter(CALL_SHMAT, ctx->args[0], ctx->args[1], ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_enter_shmdt")
int shmdt_enter(struct syscall_trace_enter *ctx)
{
	return on_enter(CALL_SHMDT, ctx->args[0], 0, 0);
}

SEC("tracepoint/syscalls/sys_enter_shmctl")
int shmctl_enter(struct syscall_trace_enter *ctx)
{
	return on_enter(CALL_SHMCTL, ctx->args[0], ctx->args[1], ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_exit_shmget")
int shmget_exit(struct syscall_trace_exit *ctx)
{
	return on_exit(ctx, ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_shmat")
int shmat_exit(struct syscall_trace_exit *ctx)
{
	return on_exit(ctx, ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_shmdt")
int shmdt_exit(struct syscall_trace_exit *ctx)
{
	return on_exit(ctx, ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_shmctl")
int shmctl_exit(struct syscall_trace_exit *ctx)
{
	return on_exit(ctx, ctx->ret);
}

/* raw_syscalls: the call by its number; -1 for every other syscall. */
static __always_inline int call_of_nr(long nr)
{
	switch (nr) {
	case __NR_shmget:
		return CALL_SHMGET;
	case __NR_shmat:
		return CALL_SHMAT;
	case __NR_shmdt:
		return CALL_SHMDT;
	case __NR_shmctl:
		return CALL_SHMCTL;
	default:
		return -1;
	}
}

/*
 * Kernels without syscall tracepoints (CONFIG_FTRACE_SYSCALLS=n): every
 * call's entry, the four picked by number.
 */
SEC("raw_tp/sys_enter")
int BPF_PROG(sys_enter_raw, struct pt_regs *regs, long nr)
{
	int call = call_of_nr(nr);

	if (call < 0 || !native_syscall(regs))
		return 0;
	return on_enter(call, PT_REGS_PARM1_CORE_SYSCALL(regs), PT_REGS_PARM2_CORE_SYSCALL(regs),
			PT_REGS_PARM3_CORE_SYSCALL(regs));
}

/* Only a stashed call has an entry for the thread: the exit that follows is its own. */
SEC("raw_tp/sys_exit")
int BPF_PROG(sys_exit_raw, struct pt_regs *regs, long ret)
{
	return on_exit(ctx, ret);
}

char LICENSE[] SEC("license") = "GPL";

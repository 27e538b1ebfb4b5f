// SPDX-License-Identifier: GPL-2.0
/* execsnoop: record exec() arguments at syscall entry, report them with the result at exit. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/filter.bpf.h"
#include "bpf/syscalls.bpf.h"
#include "execsnoop.h"

#define EVENT_MAX_SIZE (sizeof(struct exec_event))
#include "bpf/events.bpf.h"

const volatile bool filter_failed = false; /* -x: failed execs too */
const volatile __u32 max_args = MAX_ARGS_DEFAULT;

/* Execs in flight; user space sizes it to the CPU count (preallocation is start-up time). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct exec_event);
} pending SEC(".maps");

static const struct exec_event empty_event;

/*
 * Append one string at e->args + e->args_size: up to a page of it, so a long
 * "sh -c" command line is shown whole.  Returns false when no more fit, or
 * this one was cut (args_truncated is set then).
 */
static __always_inline bool append_arg(struct exec_event *e, const char *arg)
{
	__u32 off = e->args_size;
	long len;

	if (off >= ARGS_BUF_LEN) {
		e->args_truncated = 1;
		return false;
	}
	len = bpf_probe_read_user_str(&e->args[off & (ARGS_BUF_LEN - 1)], ARG_MAX_LEN, arg);
	if (len <= 0)
		return false;
	e->args_size += len;
	e->args_count++;
	if (len == ARG_MAX_LEN) {
		e->args_truncated = 1;
		return false;
	}
	return true;
}

/* fd_only: execveat(fd, "", ..., AT_EMPTY_PATH), as fexecve() does: show argv[0] as the program. */
static __always_inline void copy_args(struct exec_event *e, const char *path,
				      const char *const *argv, bool fd_only)
{
	const char *arg = NULL;
	char first;
	int i;

	if (fd_only && !bpf_probe_read_user(&first, 1, path) && !first)
		bpf_probe_read_user(&path, sizeof(path), &argv[0]);
	if (!path || !append_arg(e, path))
		return;
#pragma unroll
	for (i = 1; i < MAX_ARGS_LIMIT; i++) {
		if (bpf_probe_read_user(&arg, sizeof(arg), &argv[i]) || !arg)
			return;
		if (i >= max_args) {
			e->args_truncated = 1;
			return;
		}
		if (!append_arg(e, arg))
			return;
	}
}

#define AT_EMPTY_PATH 0x1000

static __always_inline int on_exec_enter(const char *path, const char *const *argv, bool fd_only)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id;
	struct task_struct *task;
	struct exec_event *e;

	if (!filter_current_but_comm())
		return 0;
	if (bpf_map_update_elem(&pending, &tid, &empty_event, BPF_ANY)) {
		events_count_lost();
		return 0;
	}
	e = bpf_map_lookup_elem(&pending, &tid);
	if (!e)
		return 0;
	task = (struct task_struct *)bpf_get_current_task();
	e->pid = id >> 32;
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	e->uid = (__u32)bpf_get_current_uid_gid();
	copy_args(e, path, argv, fd_only);
	return 0;
}

static __always_inline int on_exec_exit(void *ctx, long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct exec_event *e;
	__u64 size;

	e = bpf_map_lookup_elem(&pending, &tid);
	if (!e)
		return 0;
	/* -n: the name the exec gave, or the caller's if it failed */
	if ((ret < 0 && !filter_failed) || !comm_matches())
		goto out;
	e->retval = ret;
	e->ts_ns = bpf_ktime_get_ns();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	size = EXEC_EVENT_HEADER_SIZE + e->args_size;
	if (size > sizeof(*e))
		size = sizeof(*e);
	event_output(ctx, e, size);
out:
	bpf_map_delete_elem(&pending, &tid);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_execve")
int execve_enter(struct syscall_trace_enter *ctx)
{
	return on_exec_enter((const char *)ctx->args[0], (const char *const *)ctx->args[1], false);
}

SEC("tracepoint/syscalls/sys_exit_execve")
int execve_exit(struct syscall_trace_exit *ctx)
{
	return on_exec_exit(ctx, ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_execveat")
int execveat_enter(struct syscall_trace_enter *ctx)
{
	return on_exec_enter((const char *)ctx->args[1], (const char *const *)ctx->args[2],
			     ctx->args[4] & AT_EMPTY_PATH);
}

SEC("tracepoint/syscalls/sys_exit_execveat")
int execveat_exit(struct syscall_trace_exit *ctx)
{
	return on_exec_exit(ctx, ctx->ret);
}

/*
 * Kernels built without syscall tracepoints (CONFIG_FTRACE_SYSCALLS=n) still
 * have raw_syscalls: every syscall's entry and exit, filtered here to the two
 * execs by number.
 */
SEC("raw_tp/sys_enter")
int BPF_PROG(sys_enter_raw, struct pt_regs *regs, long id)
{
	if (id == NR_EXECVE && native_syscall(regs))
		return on_exec_enter((const char *)PT_REGS_PARM1_CORE_SYSCALL(regs),
				     (const char *const *)PT_REGS_PARM2_CORE_SYSCALL(regs), false);
	if (id == NR_EXECVEAT && native_syscall(regs))
		return on_exec_enter((const char *)PT_REGS_PARM2_CORE_SYSCALL(regs),
				     (const char *const *)PT_REGS_PARM3_CORE_SYSCALL(regs),
				     PT_REGS_PARM5_CORE_SYSCALL(regs) & AT_EMPTY_PATH);
	return 0;
}

/* After a successful exec the registers are the new program's; only an exec has an entry. */
SEC("raw_tp/sys_exit")
int BPF_PROG(sys_exit_raw, struct pt_regs *regs, long ret)
{
	long nr = syscall_nr(regs);

	if (nr != NR_EXECVE && nr != NR_EXECVEAT)
		return 0;
	return on_exec_exit(ctx, ret);
}

char LICENSE[] SEC("license") = "GPL";

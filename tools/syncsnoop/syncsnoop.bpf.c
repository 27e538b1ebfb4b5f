// SPDX-License-Identifier: GPL-2.0
/*
 * syncsnoop: report sync(), syncfs(), fsync(), fdatasync(),
 * sync_file_range() and msync() calls as they start (their entry: a sync
 * may block for seconds, and what it then delays begins here).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/filter.bpf.h"
#include "bpf/syscalls.bpf.h"
#include "syncsnoop.h"

#define EVENT_MAX_SIZE (sizeof(struct sync_event))
#include "bpf/events.bpf.h"

static __always_inline int report(void *ctx, enum sync_syscall sys, __u64 arg)
{
	struct sync_event *e;
	__u64 id;

	if (!filter_current())
		return 0;
	e = event_reserve(sizeof(*e));
	if (!e)
		return 0;
	id = current_ids(); /* numbered as -p/-t take them (the tool's PID namespace) */
	e->ts_ns = bpf_ktime_get_ns();
	e->arg = arg;
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->syscall = sys;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	event_submit(ctx, e, sizeof(*e));
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_sync")
int sync_enter(struct syscall_trace_enter *ctx)
{
	return report(ctx, SYS_SYNC, 0);
}

SEC("tracepoint/syscalls/sys_enter_syncfs")
int syncfs_enter(struct syscall_trace_enter *ctx)
{
	return report(ctx, SYS_SYNCFS, ctx->args[0]);
}

SEC("tracepoint/syscalls/sys_enter_fsync")
int fsync_enter(struct syscall_trace_enter *ctx)
{
	return report(ctx, SYS_FSYNC, ctx->args[0]);
}

SEC("tracepoint/syscalls/sys_enter_fdatasync")
int fdatasync_enter(struct syscall_trace_enter *ctx)
{
	return report(ctx, SYS_FDATASYNC, ctx->args[0]);
}

SEC("tracepoint/syscalls/sys_enter_sync_file_range")
int sync_file_range_enter(struct syscall_trace_enter *ctx)
{
	return report(ctx, SYS_SYNC_FILE_RANGE, ctx->args[0]);
}

SEC("tracepoint/syscalls/sys_enter_sync_file_range2")
int sync_file_range2_enter(struct syscall_trace_enter *ctx)
{
	return report(ctx, SYS_SYNC_FILE_RANGE2, ctx->args[0]);
}

SEC("tracepoint/syscalls/sys_enter_msync")
int msync_enter(struct syscall_trace_enter *ctx)
{
	return report(ctx, SYS_MSYNC, ctx->args[0]);
}

/* The call a raw_syscalls number stands for, or -1 (a call the architecture lacks has no __NR_). */
static __always_inline int sync_call(long nr)
{
	switch (nr) {
	case __NR_sync:
		return SYS_SYNC;
#ifdef __NR_syncfs
	case __NR_syncfs:
		return SYS_SYNCFS;
#endif
	case __NR_fsync:
		return SYS_FSYNC;
	case __NR_fdatasync:
		return SYS_FDATASYNC;
#ifdef __NR_sync_file_range
	case __NR_sync_file_range:
		return SYS_SYNC_FILE_RANGE;
#endif
#ifdef __NR_sync_file_range2
	case __NR_sync_file_range2:
		return SYS_SYNC_FILE_RANGE2;
#endif
#ifdef __NR_msync
	case __NR_msync:
		return SYS_MSYNC;
#endif
	default:
		return -1;
	}
}

/* Kernels without syscall tracepoints: raw_syscalls' entry of every call, picked by number. */
SEC("raw_tp/sys_enter")
int BPF_PROG(sys_enter_raw, struct pt_regs *regs, long id)
{
	int sys = sync_call(id);

	if (sys < 0 || !native_syscall(regs))
		return 0;
	return report(ctx, sys, sys == SYS_SYNC ? 0 : PT_REGS_PARM1_CORE_SYSCALL(regs));
}

char LICENSE[] SEC("license") = "GPL";

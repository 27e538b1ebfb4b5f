// SPDX-License-Identifier: GPL-2.0
/*
 * mountsnoop: mount(), umount2() and the calls of the new mount API (fsopen,
 * fsconfig, fsmount, move_mount, open_tree, fspick, mount_setattr,
 * open_tree_attr), with their result.  The entry stashes the raw arguments
 * and the time per thread; the exit reads the strings (the kernel has just
 * copied them, so their pages are resident) and the mount namespace, after
 * the call: unshare(CLONE_NEWNS) callers are seen in their new namespace.
 * Where the kernel has bpf_task_pt_regs() (5.15) and no latency is wanted,
 * the exit alone does it all, the arguments from the registers saved at
 * entry: half the tracepoints to attach and detach (on 6.18 each detach of a
 * syscall tracepoint waits for an RCU grace period, about 80 ms).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/filter.bpf.h"
#include "bpf/syscalls.bpf.h"
#include "mountsnoop.h"

#define EVENT_MAX_SIZE (sizeof(struct mount_event))
#include "bpf/events.bpf.h"

const volatile bool filter_failed = false; /* -x: failed calls only */

struct call_args {
	__u64 ts_ns;
	__u64 args[MNT_ARGS];
	__u32 call;
};

/* Calls in flight, by thread; sized by user space to the threads alive. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct call_args);
} stash SEC(".maps");

/* Events are built here: 2 KiB of strings is too large for the stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mount_event);
} event_buf SEC(".maps");

static __always_inline void stash_call(struct call_args *a)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	a->ts_ns = bpf_ktime_get_ns();
	if (bpf_map_update_elem(&stash, &tid, a, BPF_ANY))
		events_count_lost();
}

/* n: the call's argument count, so no program reads past its tracepoint's record. */
static __always_inline int on_enter_tp(struct syscall_trace_enter *ctx, enum mount_call call, int n)
{
	struct call_args a = { .call = call };

	if (!filter_current())
		return 0;
	/* One copy: loads from ctx at a computed offset do not pass the verifier. */
	bpf_probe_read_kernel(a.args, n * sizeof(a.args[0]), ctx->args);
	stash_call(&a);
	return 0;
}

/* Read string argument ptr into str[slot]; bit slot of status says it was cut. */
static __always_inline void read_str(struct mount_event *e, __u32 slot, __u64 ptr)
{
	char *dst = e->str[slot & (MNT_STRS_MAX - 1)];
	long len;
	char c = 0;

	len = bpf_probe_read_user_str(dst, MNT_STR_LEN, (const void *)ptr);
	if (len <= 0) {
		dst[0] = '\0';
	} else if (len == MNT_STR_LEN) {
		bpf_probe_read_user(&c, 1, (const char *)ptr + MNT_STR_LEN - 1);
		if (c)
			e->status |= 1 << slot;
	}
}

static __always_inline void fill_event(struct mount_event *e, const struct call_args *a, long ret)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u64 id = current_ids(); /* numbered as -p/-t take them (the tool's PID namespace) */
	int i;

	e->ts_ns = bpf_ktime_get_ns();
	e->lat_ns = a->ts_ns ? e->ts_ns - a->ts_ns : 0;
#pragma unroll
	for (i = 0; i < MNT_ARGS; i++)
		e->args[i] = a->args[i];
	e->ret = ret;
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->mnt_ns = BPF_CORE_READ(task, nsproxy, mnt_ns, ns.inum);
	e->call = a->call;
	e->status = a->ts_ns ? LAT_READ : 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
}

static __always_inline int report(void *ctx, const struct call_args *a, long ret)
{
	__u32 zero = 0, slot = 0, mask;
	struct mount_event *e;
	int i;

	if (filter_failed && ret >= 0)
		return 0;
	e = bpf_map_lookup_elem(&event_buf, &zero);
	if (!e)
		return 0;
	fill_event(e, a, ret);
	mask = mount_str_args(a->call, a->args[1]);
#pragma unroll
	for (i = 0; i < MNT_ARGS; i++) {
		if (mask & (1 << i) && slot < MNT_STRS_MAX)
			read_str(e, slot++, a->args[i]);
	}
	/* struct mount_attr: its first version (32 bytes) is what is shown */
	if (mount_has_attr(a->call) && a->args[4] >= sizeof(e->attr) &&
	    !bpf_probe_read_user(&e->attr, sizeof(e->attr), (const void *)a->args[3]))
		e->status |= ATTR_READ;
	barrier_var(slot);
	if (slot > MNT_STRS_MAX)
		slot = MNT_STRS_MAX;
	event_output(ctx, e, MOUNT_EVENT_HEADER_SIZE + slot * MNT_STR_LEN);
	return 0;
}

static __always_inline int on_exit(void *ctx, long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct call_args *stashed, a;

	stashed = bpf_map_lookup_elem(&stash, &tid);
	if (!stashed)
		return 0;
	a = *stashed;
	bpf_map_delete_elem(&stash, &tid);
	return report(ctx, &a, ret);
}

/* The exit alone: the arguments from the registers the task saved at entry. */
static __always_inline int on_exit_regs(struct syscall_trace_exit *ctx, enum mount_call call)
{
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	struct call_args a = { .call = call };

	if (!filter_current())
		return 0;
	a.args[0] = SYSCALL_ARG(regs, 1, false);
	a.args[1] = SYSCALL_ARG(regs, 2, false);
	a.args[2] = SYSCALL_ARG(regs, 3, false);
	a.args[3] = SYSCALL_ARG(regs, 4, false);
	a.args[4] = SYSCALL_ARG(regs, 5, false);
	return report(ctx, &a, ctx->ret);
}

/* A call's entry and exit tracepoints, and its exit alone; n: its argument count. */
#define MOUNT_CALL_TP(name, call, n)                         \
	SEC("tracepoint/syscalls/sys_enter_" #name)          \
	int name##_enter(struct syscall_trace_enter *ctx)    \
	{                                                    \
		return on_enter_tp(ctx, call, n);            \
	}                                                    \
	SEC("tracepoint/syscalls/sys_exit_" #name)           \
	int name##_exit(struct syscall_trace_exit *ctx)      \
	{                                                    \
		return on_exit(ctx, ctx->ret);               \
	}                                                    \
	SEC("tracepoint/syscalls/sys_exit_" #name)           \
	int name##_exit_regs(struct syscall_trace_exit *ctx) \
	{                                                    \
		return on_exit_regs(ctx, call);              \
	}

MOUNT_CALL_TP(mount, CALL_MOUNT, 5)
MOUNT_CALL_TP(umount, CALL_UMOUNT, 2)
MOUNT_CALL_TP(fsopen, CALL_FSOPEN, 2)
MOUNT_CALL_TP(fsconfig, CALL_FSCONFIG, 5)
MOUNT_CALL_TP(fsmount, CALL_FSMOUNT, 3)
MOUNT_CALL_TP(move_mount, CALL_MOVE_MOUNT, 5)
MOUNT_CALL_TP(open_tree, CALL_OPEN_TREE, 3)
MOUNT_CALL_TP(fspick, CALL_FSPICK, 3)
MOUNT_CALL_TP(mount_setattr, CALL_MOUNT_SETATTR, 5)
MOUNT_CALL_TP(open_tree_attr, CALL_OPEN_TREE_ATTR, 5)

/* Linux 6.15; its number (the same on every architecture) is newer than some headers. */
#ifndef __NR_open_tree_attr
#define __NR_open_tree_attr 467
#endif

/* raw_syscalls: the call by its number; -1 for every other syscall. */
static __always_inline int call_of_nr(long nr)
{
	switch (nr) {
	case __NR_mount:
		return CALL_MOUNT;
	case __NR_umount2:
		return CALL_UMOUNT;
#ifdef __NR_fsopen
	case __NR_fsopen:
		return CALL_FSOPEN;
	case __NR_fsconfig:
		return CALL_FSCONFIG;
	case __NR_fsmount:
		return CALL_FSMOUNT;
	case __NR_move_mount:
		return CALL_MOVE_MOUNT;
	case __NR_open_tree:
		return CALL_OPEN_TREE;
	case __NR_fspick:
		return CALL_FSPICK;
#endif
#ifdef __NR_mount_setattr
	case __NR_mount_setattr:
		return CALL_MOUNT_SETATTR;
#endif
	case __NR_open_tree_attr:
		return CALL_OPEN_TREE_ATTR;
	default:
		return -1;
	}
}

/*
 * Kernels without syscall tracepoints (CONFIG_FTRACE_SYSCALLS=n): every
 * call's entry, the mount calls picked by number.  Reading a register the
 * call does not use is harmless: nothing is shown for it.
 */
SEC("raw_tp/sys_enter")
int BPF_PROG(sys_enter_raw, struct pt_regs *regs, long nr)
{
	struct call_args a = {};
	int call = call_of_nr(nr);

	if (call < 0 || !native_syscall(regs) || !filter_current())
		return 0;
	a.call = call;
	a.args[0] = PT_REGS_PARM1_CORE_SYSCALL(regs);
	a.args[1] = PT_REGS_PARM2_CORE_SYSCALL(regs);
	a.args[2] = PT_REGS_PARM3_CORE_SYSCALL(regs);
	a.args[3] = PT_REGS_PARM4_CORE_SYSCALL(regs);
	a.args[4] = PT_REGS_PARM5_CORE_SYSCALL(regs);
	stash_call(&a);
	return 0;
}

/* Only a stashed call has an entry for the thread: the exit that follows is its own. */
SEC("raw_tp/sys_exit")
int BPF_PROG(sys_exit_raw, struct pt_regs *regs, long ret)
{
	return on_exit(ctx, ret);
}

char LICENSE[] SEC("license") = "GPL";

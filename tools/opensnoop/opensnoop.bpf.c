// SPDX-License-Identifier: GPL-2.0
/*
 * opensnoop: report open(), openat() and openat2() calls with their result.
 *
 * Where the kernel has bpf_task_pt_regs() (5.15+), only the syscall exit is
 * traced: the arguments are still in the task's saved registers there, so an
 * open costs one program run and no map operation.  Elsewhere the entry
 * stashes the arguments of wanted calls per thread for the exit.  Either way
 * the path is read at exit, when the kernel has just copied it (its page is
 * resident), straight into the event.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/fdfile.bpf.h"
#include "bpf/filter.bpf.h"
#include "bpf/syscalls.bpf.h"
#include "opensnoop.h"

#define EVENT_MAX_SIZE (sizeof(struct open_event))
#include "bpf/events.bpf.h"

#define AT_FDCWD   -100
#define O_ACCMODE  3
#define MOUNT_HOPS 2 /* mounts stacked on one directory crossed per step */

const volatile bool filter_failed = false; /* -x: failed opens only */
/* -f: an open passes if it has any bit of flags_any or its access mode is in accmodes. */
const volatile __u64 flags_any = 0;
const volatile __u32 accmodes = 0; /* bit (flags & O_ACCMODE) */

struct open_args {
	const char *path;
	__u64 flags;
	__u32 mode;
	__s32 dfd;
	__u32 sys;
};

/*
 * Events are built here and only the bytes used are sent: a typical path is a
 * few dozen bytes, so three times as many events fit in the ring buffer as
 * with records reserved at their largest, which is what decides loss at full
 * speed.  The copy costs ~10 ns.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct open_event);
} event_buf SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct open_args);
} stash SEC(".maps");

static __always_inline bool flags_wanted(__u64 flags)
{
	if (!flags_any && !accmodes)
		return true;
	return (flags & flags_any) || (accmodes & (1 << (flags & O_ACCMODE)));
}

/* openat2() passes flags and mode in a struct open_how in user memory. */
static __always_inline void read_open_how(struct open_args *a, const struct open_how *how)
{
	struct open_how h = {};

	bpf_probe_read_user(&h, sizeof(h.flags) + sizeof(h.mode), how);
	a->flags = h.flags;
	a->mode = h.mode;
}

/* The directory a relative path starts from: the cwd, or the file of dirfd. */
static __always_inline bool start_dir(struct task_struct *task, int dfd, struct path *dir)
{
	struct file *file;

	if (dfd == AT_FDCWD)
		return !BPF_CORE_READ_INTO(dir, task, fs, pwd);
	file = task_fd_file(task, dfd);
	return file && !BPF_CORE_READ_INTO(dir, file, f_path);
}

/*
 * Step from the root of a mount to the directory it is mounted on, as often
 * as mounts are stacked there.  Returns false at the task's root, the root
 * of its mount namespace, or when too many mounts are stacked.
 */
static __always_inline bool cross_mounts(struct path *p, const struct path *root)
{
	unsigned long mnt_off = bpf_core_field_offset(struct mount, mnt);
	struct mount *mnt, *parent;
	int i;

	for (i = 0; i < MOUNT_HOPS; i++) {
		if (p->dentry == root->dentry && p->mnt == root->mnt)
			return false;
		if (p->dentry != BPF_CORE_READ(p->mnt, mnt_root))
			return true;
		mnt = (void *)p->mnt - mnt_off;
		parent = BPF_CORE_READ(mnt, mnt_parent);
		if (parent == mnt)
			return false;
		p->dentry = BPF_CORE_READ(mnt, mnt_mountpoint);
		p->mnt = (void *)parent + mnt_off;
	}
	return false;
}

/*
 * -F: write the names of the directories from the start directory up to
 * the task's root into e->dir, innermost first, and return their length.
 * Bounded by DIR_DEPTH_MAX and DIR_BUF_LEN; DIR_TRUNCATED says the root was
 * not reached.
 */
static __always_inline __u32 read_dir(struct open_event *e, int dfd)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	struct path p, root;
	struct dentry *parent;
	__u32 off = 0;
	long len;
	int i;

	if (!start_dir(task, dfd, &p) || BPF_CORE_READ_INTO(&root, task, fs, root)) {
		e->status |= DIR_ABSENT;
		return 0;
	}
	for (i = 0; i < DIR_DEPTH_MAX; i++) {
		if (!cross_mounts(&p, &root))
			break;
		parent = BPF_CORE_READ(p.dentry, d_parent);
		if (parent == p.dentry)
			break;
		if (off > DIR_BUF_LEN - NAME_LEN) {
			e->status |= DIR_TRUNCATED;
			break;
		}
		len = bpf_probe_read_kernel_str(&e->dir[off], NAME_LEN,
						BPF_CORE_READ(p.dentry, d_name.name));
		if (len <= 0)
			break;
		off += len;
		p.dentry = parent;
	}
	if (i == DIR_DEPTH_MAX)
		e->status |= DIR_TRUNCATED;
	e->dir_len = off;
	return off;
}

/* full: -F, from programs of their own so that others carry none of its relocations. */
static __always_inline void report(void *ctx, const struct open_args *a, long ret, bool full)
{
	__u64 id = current_ids(); /* numbered as -p/-t take them (the tool's PID namespace) */
	struct open_event *e;
	__u64 dir_len = 0;
	__u32 zero = 0;
	long len;
	char c = 0;

	e = bpf_map_lookup_elem(&event_buf, &zero);
	if (!e)
		return;
	e->ts_ns = bpf_ktime_get_ns();
	e->flags = a->flags;
	e->mode = a->mode;
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->ret = ret;
	e->syscall = a->sys;
	e->status = 0;
	e->dir_len = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	len = bpf_probe_read_user_str(e->path, PATH_LEN, a->path);
	if (len <= 0) {
		e->path[0] = '\0';
		len = 1;
	} else if (len == PATH_LEN) {
		bpf_probe_read_user(&c, 1, a->path + PATH_LEN - 1);
		if (c)
			e->status |= PATH_TRUNCATED;
	}
	e->path_len = len;
	if (full) {
		if (e->path[0] != '/')
			dir_len = read_dir(e, a->dfd);
		/* Clang knows the bound; the verifier needs to see it. */
		barrier_var(dir_len);
		if (dir_len > DIR_BUF_LEN)
			dir_len = DIR_BUF_LEN;
		event_output(ctx, e, OPEN_EVENT_BASE_SIZE + dir_len);
	} else {
		barrier_var(len);
		if (len > PATH_LEN)
			len = PATH_LEN;
		event_output(ctx, e, OPEN_EVENT_HEADER_SIZE + len);
	}
}

/* The arguments from the user registers saved at syscall entry (SYSCALL_ARG). */
static __always_inline void args_from_regs(struct open_args *a, struct pt_regs *regs,
					   enum open_syscall sys, bool core)
{
#define REG(n) SYSCALL_ARG(regs, n, core)
	a->sys = sys;
	if (sys == SYS_OPEN) {
		a->dfd = AT_FDCWD;
		a->path = (const char *)REG(1);
		a->flags = (__u32)REG(2);
		a->mode = REG(3);
	} else {
		a->dfd = REG(1);
		a->path = (const char *)REG(2);
		if (sys == SYS_OPENAT2) {
			read_open_how(a, (void *)REG(3));
		} else {
			a->flags = (__u32)REG(3);
			a->mode = REG(4);
		}
	}
#undef REG
}

/* Fast path: everything from the exit, the arguments from the task's saved registers. */
static __always_inline int on_exit_regs(struct syscall_trace_exit *ctx, enum open_syscall sys,
					bool full)
{
	long ret = ctx->ret;
	struct open_args a;

	if (filter_failed && ret >= 0)
		return 0;
	if (!filter_current())
		return 0;
	args_from_regs(&a, (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf()), sys,
		       false);
	if (!flags_wanted(a.flags))
		return 0;
	report(ctx, &a, ret, full);
	return 0;
}

/*
 * Kernels without syscall tracepoints (CONFIG_FTRACE_SYSCALLS=n): raw_syscalls'
 * exit of every call, which passes the registers; the opens are picked by number.
 */
static __always_inline int on_raw_exit(void *ctx, struct pt_regs *regs, long ret, bool full)
{
	long nr = syscall_nr(regs);
	enum open_syscall sys;
	struct open_args a;

	if (nr == __NR_openat)
		sys = SYS_OPENAT;
	else if (nr == __NR_openat2)
		sys = SYS_OPENAT2;
#ifdef __NR_open
	else if (nr == __NR_open)
		sys = SYS_OPEN;
#endif
	else
		return 0;
	if ((filter_failed && ret >= 0) || !native_syscall(regs) || !filter_current())
		return 0;
	args_from_regs(&a, regs, sys, true);
	if (!flags_wanted(a.flags))
		return 0;
	report(ctx, &a, ret, full);
	return 0;
}

/* Fallback: filter at entry and stash the arguments of wanted calls only. */
static __always_inline int on_enter(struct open_args *a)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	if (!filter_current() || !flags_wanted(a->flags))
		return 0;
	bpf_map_update_elem(&stash, &tid, a, BPF_ANY);
	return 0;
}

static __always_inline int on_exit(struct syscall_trace_exit *ctx, bool full)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct open_args *stashed, a;
	long ret = ctx->ret;

	stashed = bpf_map_lookup_elem(&stash, &tid);
	if (!stashed)
		return 0;
	a = *stashed;
	bpf_map_delete_elem(&stash, &tid);
	if (filter_failed && ret >= 0)
		return 0;
	report(ctx, &a, ret, full);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_open")
int open_exit_regs(struct syscall_trace_exit *ctx)
{
	return on_exit_regs(ctx, SYS_OPEN, false);
}

SEC("tracepoint/syscalls/sys_exit_open")
int open_exit_regs_full(struct syscall_trace_exit *ctx)
{
	return on_exit_regs(ctx, SYS_OPEN, true);
}

SEC("tracepoint/syscalls/sys_exit_openat")
int openat_exit_regs(struct syscall_trace_exit *ctx)
{
	return on_exit_regs(ctx, SYS_OPENAT, false);
}

SEC("tracepoint/syscalls/sys_exit_openat")
int openat_exit_regs_full(struct syscall_trace_exit *ctx)
{
	return on_exit_regs(ctx, SYS_OPENAT, true);
}

SEC("tracepoint/syscalls/sys_exit_openat2")
int openat2_exit_regs(struct syscall_trace_exit *ctx)
{
	return on_exit_regs(ctx, SYS_OPENAT2, false);
}

SEC("tracepoint/syscalls/sys_exit_openat2")
int openat2_exit_regs_full(struct syscall_trace_exit *ctx)
{
	return on_exit_regs(ctx, SYS_OPENAT2, true);
}

SEC("tracepoint/syscalls/sys_enter_open")
int open_enter(struct syscall_trace_enter *ctx)
{
	struct open_args a = {
		.path = (const char *)ctx->args[0],
		.flags = (__u32)ctx->args[1],
		.mode = ctx->args[2],
		.dfd = AT_FDCWD,
		.sys = SYS_OPEN,
	};

	return on_enter(&a);
}

SEC("tracepoint/syscalls/sys_enter_openat")
int openat_enter(struct syscall_trace_enter *ctx)
{
	struct open_args a = {
		.path = (const char *)ctx->args[1],
		.flags = (__u32)ctx->args[2],
		.mode = ctx->args[3],
		.dfd = ctx->args[0],
		.sys = SYS_OPENAT,
	};

	return on_enter(&a);
}

SEC("tracepoint/syscalls/sys_enter_openat2")
int openat2_enter(struct syscall_trace_enter *ctx)
{
	struct open_args a = {
		.path = (const char *)ctx->args[1],
		.dfd = ctx->args[0],
		.sys = SYS_OPENAT2,
	};

	read_open_how(&a, (const struct open_how *)ctx->args[2]);
	return on_enter(&a);
}

SEC("tracepoint/syscalls/sys_exit_open")
int open_exit(struct syscall_trace_exit *ctx)
{
	return on_exit(ctx, false);
}

SEC("tracepoint/syscalls/sys_exit_open")
int open_exit_full(struct syscall_trace_exit *ctx)
{
	return on_exit(ctx, true);
}

SEC("tracepoint/syscalls/sys_exit_openat")
int openat_exit(struct syscall_trace_exit *ctx)
{
	return on_exit(ctx, false);
}

SEC("tracepoint/syscalls/sys_exit_openat")
int openat_exit_full(struct syscall_trace_exit *ctx)
{
	return on_exit(ctx, true);
}

SEC("tracepoint/syscalls/sys_exit_openat2")
int openat2_exit(struct syscall_trace_exit *ctx)
{
	return on_exit(ctx, false);
}

SEC("tracepoint/syscalls/sys_exit_openat2")
int openat2_exit_full(struct syscall_trace_exit *ctx)
{
	return on_exit(ctx, true);
}

SEC("raw_tp/sys_exit")
int BPF_PROG(sys_exit_raw, struct pt_regs *regs, long ret)
{
	return on_raw_exit(ctx, regs, ret, false);
}

SEC("raw_tp/sys_exit")
int BPF_PROG(sys_exit_raw_full, struct pt_regs *regs, long ret)
{
	return on_raw_exit(ctx, regs, ret, true);
}

char LICENSE[] SEC("license") = "GPL";

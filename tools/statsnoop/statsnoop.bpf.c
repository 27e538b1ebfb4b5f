// SPDX-License-Identifier: GPL-2.0
/*
 * statsnoop: report stat(), lstat(), newfstatat(), statx() and statfs()
 * calls with their result.
 *
 * As in opensnoop: where the kernel has bpf_task_pt_regs() (5.15+) only the
 * syscall exit is traced and the arguments come from the task's saved
 * registers; elsewhere the entry stashes them per thread for the exit; on
 * kernels without syscall tracepoints raw_syscalls' exit picks the calls by
 * number.  The path is read at exit, when the kernel has just copied it.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/filter.bpf.h"
#include "bpf/syscalls.bpf.h"
#include "statsnoop.h"

#define EVENT_MAX_SIZE (sizeof(struct stat_event))
#include "bpf/events.bpf.h"

#define AT_FDCWD -100

const volatile bool filter_failed = false; /* -x: failed calls only */

struct stat_args {
	const char *path;
	__s32 dfd;
	__u32 sys;
};

/* Events are built here and only the bytes of the path used are sent. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct stat_event);
} event_buf SEC(".maps");

/* Entry to exit, per thread (sized by user space; 1 entry when unused). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct stat_args);
} stash SEC(".maps");

static __always_inline bool has_dirfd(enum stat_syscall sys)
{
	return sys == SYS_NEWFSTATAT || sys == SYS_STATX;
}

static __always_inline void report(void *ctx, const struct stat_args *a, long ret)
{
	__u64 id = current_ids(); /* numbered as -p/-t take them (the tool's PID namespace) */
	struct stat_event *e;
	__u32 zero = 0;
	long len;
	char c = 0;

	e = bpf_map_lookup_elem(&event_buf, &zero);
	if (!e)
		return;
	e->ts_ns = bpf_ktime_get_ns();
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->ret = ret;
	e->dfd = a->dfd;
	e->syscall = a->sys;
	e->status = 0;
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
	barrier_var(len);
	if (len > PATH_LEN)
		len = PATH_LEN;
	event_output(ctx, e, STAT_EVENT_HEADER_SIZE + len);
}

/* The path and directory arguments, from the registers saved at syscall entry (SYSCALL_ARG). */
static __always_inline void args_from_regs(struct stat_args *a, struct pt_regs *regs,
					   enum stat_syscall sys, bool core)
{
#define REG(n) SYSCALL_ARG(regs, n, core)
	a->sys = sys;
	if (has_dirfd(sys)) {
		a->dfd = REG(1);
		a->path = (const char *)REG(2);
	} else {
		a->dfd = AT_FDCWD;
		a->path = (const char *)REG(1);
	}
#undef REG
}

/* Fast path: everything from the exit, the arguments from the task's saved registers. */
static __always_inline int on_exit_regs(struct syscall_trace_exit *ctx, enum stat_syscall sys)
{
	long ret = ctx->ret;
	struct stat_args a;

	if ((filter_failed && ret >= 0) || !filter_current())
		return 0;
	args_from_regs(&a, (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf()), sys,
		       false);
	report(ctx, &a, ret);
	return 0;
}

/* The call a raw_syscalls number stands for, or -1 (a call the architecture lacks has no __NR_). */
static __always_inline int stat_call(long nr)
{
	switch (nr) {
#ifdef __NR_stat
	case __NR_stat:
		return SYS_NEWSTAT;
#endif
#ifdef __NR_lstat
	case __NR_lstat:
		return SYS_NEWLSTAT;
#endif
#ifdef __NR_newfstatat
	case __NR_newfstatat:
		return SYS_NEWFSTATAT;
#endif
#ifdef __NR_statx
	case __NR_statx:
		return SYS_STATX;
#endif
#ifdef __NR_statfs
	case __NR_statfs:
		return SYS_STATFS;
#endif
	default:
		return -1;
	}
}

/* Kernels without syscall tracepoints: raw_syscalls' exit of every call, with its registers. */
static __always_inline int on_raw_exit(void *ctx, struct pt_regs *regs, long ret)
{
	int sys = stat_call(syscall_nr(regs));
	struct stat_args a;

	if (sys < 0 || (filter_failed && ret >= 0) || !native_syscall(regs) || !filter_current())
		return 0;
	args_from_regs(&a, regs, sys, true);
	report(ctx, &a, ret);
	return 0;
}

/* Fallback: filter at entry and stash the arguments of wanted calls only. */
static __always_inline int on_enter(struct syscall_trace_enter *ctx, enum stat_syscall sys)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct stat_args a = { .dfd = AT_FDCWD, .sys = sys };

	if (!filter_current())
		return 0;
	if (has_dirfd(sys)) {
		a.dfd = ctx->args[0];
		a.path = (const char *)ctx->args[1];
	} else {
		a.path = (const char *)ctx->args[0];
	}
	bpf_map_update_elem(&stash, &tid, &a, BPF_ANY);
	return 0;
}

static __always_inline int on_exit(struct syscall_trace_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct stat_args *stashed, a;
	long ret = ctx->ret;

	stashed = bpf_map_lookup_elem(&stash, &tid);
	if (!stashed)
		return 0;
	a = *stashed;
	bpf_map_delete_elem(&stash, &tid);
	if (filter_failed && ret >= 0)
		return 0;
	report(ctx, &a, ret);
	return 0;
}

/*
 * Three programs per call: NAME_exit_regs (the exit alone, saved registers),
 * NAME_enter and NAME_exit (the stash); choose_hooks() in statsnoop.c keeps
 * one way for all calls.
 */
/* clang-format off */
#define STAT_PROGS(name, sys)							\
SEC("tracepoint/syscalls/sys_exit_" #name)					\
int name##_exit_regs(struct syscall_trace_exit *ctx)				\
{										\
	return on_exit_regs(ctx, sys);						\
}										\
SEC("tracepoint/syscalls/sys_enter_" #name)					\
int name##_enter(struct syscall_trace_enter *ctx)				\
{										\
	return on_enter(ctx, sys);						\
}										\
SEC("tracepoint/syscalls/sys_exit_" #name)					\
int name##_exit(struct syscall_trace_exit *ctx)					\
{										\
	return on_exit(ctx);							\
}
/* clang-format on */

STAT_PROGS(newfstatat, SYS_NEWFSTATAT)
STAT_PROGS(newstat, SYS_NEWSTAT)
STAT_PROGS(newlstat, SYS_NEWLSTAT)
STAT_PROGS(statx, SYS_STATX)
STAT_PROGS(statfs, SYS_STATFS)

SEC("raw_tp/sys_exit")
int BPF_PROG(sys_exit_raw, struct pt_regs *regs, long ret)
{
	return on_raw_exit(ctx, regs, ret);
}

char LICENSE[] SEC("license") = "GPL";

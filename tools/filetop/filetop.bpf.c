// SPDX-License-Identifier: GPL-2.0
/*
 * filetop: reads and writes per thread and file, with the bytes moved.
 * Where the kernel lets us, at vfs_read()/vfs_write() as they return (fexit,
 * else kprobe + kretprobe); elsewhere at the exit of the read and write
 * system calls, the file found from the descriptor.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/fdfile.bpf.h"
#include "bpf/filter.bpf.h"
#include "bpf/maps.bpf.h"
#include "bpf/missed.bpf.h"
#include "bpf/syscalls.bpf.h"
#include "filetop.h"

const volatile bool regular_only = true; /* without -a */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_FILES);
	__type(key, struct file_key);
	__type(value, struct file_stat);
} counts SEC(".maps");

/* kprobe path: the file of a vfs_read/vfs_write in progress, per thread. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1); /* sized by user space when the kprobes are used */
	__type(key, __u32);
	__type(value, struct file *);
} pending SEC(".maps");

static const struct file_stat zero_stat;

static __always_inline char file_type(unsigned int mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return 'R';
	case S_IFSOCK:
		return 'S';
	default:
		return 'O';
	}
}

/* One call on file that moved ret bytes (nothing when ret < 0). */
static __always_inline void count_io(struct file *file, long ret, bool write)
{
	unsigned int mode = file_mode(file);
	struct file_key key = {};
	struct file_stat *s;
	__u64 id;

	if (!file || (regular_only && (mode & S_IFMT) != S_IFREG))
		return;
	id = current_ids();
	key.pid = id >> 32;
	key.tid = (__u32)id;
	key.dev = BPF_CORE_READ(file, f_inode, i_sb, s_dev);
	key.rdev = BPF_CORE_READ(file, f_inode, i_rdev);
	key.ino = BPF_CORE_READ(file, f_inode, i_ino);
	s = map_lookup_or_init(&counts, &key, &zero_stat);
	if (!s) {
		count_missed();
		return;
	}
	if (!s->type) {
		s->type = file_type(mode);
		bpf_get_current_comm(s->comm, sizeof(s->comm));
		file_name(file, s->name, sizeof(s->name));
	}
	if (ret < 0)
		ret = 0;
	if (write) {
		__sync_fetch_and_add(&s->writes, 1);
		__sync_fetch_and_add(&s->wbytes, ret);
	} else {
		__sync_fetch_and_add(&s->reads, 1);
		__sync_fetch_and_add(&s->rbytes, ret);
	}
}

/* --- vfs_read / vfs_write (fexit, kprobe + kretprobe) --- */

static __always_inline int on_vfs_return(struct file *file, long ret, bool write)
{
	if (filter_current())
		count_io(file, ret, write);
	return 0;
}

SEC("fexit/vfs_read")
int BPF_PROG(vfs_read_fexit, struct file *file, char *buf, size_t count, loff_t *pos, long ret)
{
	return on_vfs_return(file, ret, false);
}

SEC("fexit/vfs_write")
int BPF_PROG(vfs_write_fexit, struct file *file, const char *buf, size_t count, loff_t *pos,
	     long ret)
{
	return on_vfs_return(file, ret, true);
}

static __always_inline int on_vfs_entry(struct file *file)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	if (filter_current() && bpf_map_update_elem(&pending, &tid, &file, BPF_ANY))
		count_missed();
	return 0;
}

static __always_inline int on_vfs_kret(long ret, bool write)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct file **file = bpf_map_lookup_elem(&pending, &tid);

	if (!file)
		return 0;
	count_io(*file, ret, write);
	bpf_map_delete_elem(&pending, &tid);
	return 0;
}

SEC("kprobe/vfs_read")
int BPF_KPROBE(vfs_read_kprobe, struct file *file)
{
	return on_vfs_entry(file);
}

SEC("kretprobe/vfs_read")
int BPF_KRETPROBE(vfs_read_kretprobe, long ret)
{
	return on_vfs_kret(ret, false);
}

SEC("kprobe/vfs_write")
int BPF_KPROBE(vfs_write_kprobe, struct file *file)
{
	return on_vfs_entry(file);
}

SEC("kretprobe/vfs_write")
int BPF_KRETPROBE(vfs_write_kretprobe, long ret)
{
	return on_vfs_kret(ret, true);
}

/* --- the system calls: every one of them takes the descriptor first --- */

static __always_inline void count_fd(long fd, long ret, bool write)
{
	count_io(task_fd_file((void *)bpf_get_current_task(), fd), ret, write);
}

/* The exit alone: the descriptor from the registers saved at entry (Linux 5.15). */
static __always_inline int on_exit_regs(struct syscall_trace_exit *ctx, bool write)
{
	struct pt_regs *regs;

	if (!filter_current())
		return 0;
	regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	count_fd(PT_REGS_PARM1_SYSCALL(regs), ctx->ret, write);
	return 0;
}

/* Older kernels: the descriptor kept at entry for the exit. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1); /* sized by user space when the entries are used */
	__type(key, __u32);
	__type(value, __s32);
} fds SEC(".maps");

static __always_inline int on_enter(struct syscall_trace_enter *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__s32 fd = ctx->args[0];

	if (filter_current() && bpf_map_update_elem(&fds, &tid, &fd, BPF_ANY))
		count_missed();
	return 0;
}

static __always_inline int on_exit(struct syscall_trace_exit *ctx, bool write)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__s32 *fd = bpf_map_lookup_elem(&fds, &tid);

	if (!fd)
		return 0;
	count_fd(*fd, ctx->ret, write);
	bpf_map_delete_elem(&fds, &tid);
	return 0;
}

/* clang-format off */
#define SYSCALL_PROGS(call, write)						\
	SEC("tracepoint/syscalls/sys_exit_" #call)				\
	int call##_exit_regs(struct syscall_trace_exit *ctx)			\
	{ return on_exit_regs(ctx, write); }					\
	SEC("tracepoint/syscalls/sys_enter_" #call)				\
	int call##_enter(struct syscall_trace_enter *ctx)			\
	{ return on_enter(ctx); }						\
	SEC("tracepoint/syscalls/sys_exit_" #call)				\
	int call##_exit(struct syscall_trace_exit *ctx)				\
	{ return on_exit(ctx, write); }
/* clang-format on */

SYSCALL_PROGS(read, false)
SYSCALL_PROGS(pread64, false)
SYSCALL_PROGS(readv, false)
SYSCALL_PROGS(preadv, false)
SYSCALL_PROGS(preadv2, false)
SYSCALL_PROGS(write, true)
SYSCALL_PROGS(pwrite64, true)
SYSCALL_PROGS(writev, true)
SYSCALL_PROGS(pwritev, true)
SYSCALL_PROGS(pwritev2, true)

/* Kernels without syscall tracepoints: raw_syscalls' exit, the calls picked by number. */
enum call_kind { CALL_NONE, CALL_READ, CALL_WRITE };

#define NR_CALLS 512

static const __u8 call_kinds[NR_CALLS] = {
	[__NR_read] = CALL_READ,      [__NR_pread64] = CALL_READ, [__NR_readv] = CALL_READ,
	[__NR_preadv] = CALL_READ,    [__NR_preadv2] = CALL_READ, [__NR_write] = CALL_WRITE,
	[__NR_pwrite64] = CALL_WRITE, [__NR_writev] = CALL_WRITE, [__NR_pwritev] = CALL_WRITE,
	[__NR_pwritev2] = CALL_WRITE,
};

SEC("raw_tp/sys_exit")
int BPF_PROG(sys_exit_raw, struct pt_regs *regs, long ret)
{
	long nr = syscall_nr(regs);
	__u8 kind;

	if (nr < 0 || nr >= NR_CALLS)
		return 0;
	kind = call_kinds[nr];
	if (kind == CALL_NONE || !native_syscall(regs) || !filter_current())
		return 0;
	count_fd(PT_REGS_PARM1_CORE_SYSCALL(regs), ret, kind == CALL_WRITE);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * File-system operations timed from start to end, for fsslower and fsdist
 * (lib/fsops.c chooses and attaches the programs).  Two ways to see them:
 *
 * - exact: the file system's own functions (ext4_file_read_iter, ...,
 *   include/fstypes.h), by fentry/fexit (the programs are given their
 *   target before load) or kprobe/kretprobe (attached by name);
 * - syscalls: the enter and exit of the system calls that reach them (the
 *   read and write families, opens, fsync, the stats; raw_syscalls, picked
 *   by number), the file found from
 *   the descriptor and kept when its file system's magic is fs_magic.  An
 *   open is decided at its exit, from the descriptor it returned; a stat by
 *   path from the device it reports (fs_devs).
 *
 * The tool including this defines what happens at the end of an operation:
 *
 *	static __always_inline void fsop_done(void *ctx, const struct fsop_start *s,
 *					      __s64 ret, __u64 end_ns, struct file *f);
 *
 * s: the start (op, time, offset); ret: the function's or call's result;
 * f: the file (NULL for getattr and when unknown).
 */
#ifndef BPFSCOPE_FSOPS_BPF_H
#define BPFSCOPE_FSOPS_BPF_H

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "fstypes.h"
#include "bpf/fdfile.bpf.h"
#include "bpf/filter.bpf.h"
#include "bpf/missed.bpf.h"
#include "bpf/syscalls.bpf.h"

#define FSOPS_AT_EMPTY_PATH 0x1000

const volatile unsigned long fs_magic = 0; /* the syscall path's file system */

/* How a system call's operation is found. */
enum fs_call {
	CALL_NONE,
	CALL_READ,    /* (fd, ...): offset at f_pos */
	CALL_PREAD,   /* (fd, buf, count, pos) */
	CALL_PREADV2, /* (fd, iov, n, pos, pos_h, flags): pos -1 is f_pos */
	CALL_WRITE,   /* the same three for writes */
	CALL_PWRITE,
	CALL_PWRITEV2,
	CALL_FSYNC,   /* (fd) */
	CALL_OPEN,    /* decided at exit by the fd returned */
	CALL_FSTAT,   /* (fd, buf) */
	CALL_FSTATAT, /* (dfd, path, struct stat *, flags) */
	CALL_STATX,   /* (dfd, path, flags, mask, struct statx *) */
	CALL_STAT,    /* (path, struct stat *) */
	CALL_MAX,
};

struct fsop_start {
	__u64 ts;
	__s64 offset;
	struct file *file;
	void *statbuf; /* a stat by path: the user buffer the result goes to */
	__u8 op;       /* enum fs_op */
	__u8 call;     /* enum fs_call; CALL_NONE on the exact path */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240); /* sized to the threads by lib/fsops.c */
	__type(key, __u32);
	__type(value, struct fsop_start);
} fsop_starts SEC(".maps");

/* The devices of fs_magic's mounts, for stats by path (lib/fsops.c fills it). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, FS_DEVS_MAX);
	__type(key, __u32);
	__type(value, __u8);
} fs_devs SEC(".maps");

static __always_inline void fsop_done(void *ctx, const struct fsop_start *s, __s64 ret,
				      __u64 end_ns, struct file *f);

static __always_inline void fsop_begin(struct fsop_start *s)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	s->ts = bpf_ktime_get_ns();
	if (bpf_map_update_elem(&fsop_starts, &tid, s, BPF_ANY))
		count_missed();
}

static __always_inline int fsop_end(void *ctx, __s64 ret, struct file *f, bool syscall)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 now = bpf_ktime_get_ns();
	struct fsop_start *p, s;

	p = bpf_map_lookup_elem(&fsop_starts, &tid);
	if (!p)
		return 0;
	s = *p;
	bpf_map_delete_elem(&fsop_starts, &tid);
	if (!syscall || !f)
		f = s.file;
	fsop_done(ctx, &s, ret, now, f);
	return 0;
}

/* --- exact: the file system's functions --- */

static __always_inline int fs_entry(enum fs_op op, struct file *f, __s64 offset)
{
	struct fsop_start s = { .op = op, .file = f, .offset = offset };

	if (filter_current())
		fsop_begin(&s);
	return 0;
}

static __always_inline int fs_entry_iocb(enum fs_op op, struct kiocb *iocb)
{
	return fs_entry(op, BPF_CORE_READ(iocb, ki_filp), BPF_CORE_READ(iocb, ki_pos));
}

/* The targets in the sections are ext4's; lib/fsops.c sets the chosen file system's. */
SEC("fentry/ext4_file_read_iter")
int BPF_PROG(read_fentry, struct kiocb *iocb)
{
	return fs_entry_iocb(FS_READ, iocb);
}

SEC("fexit/ext4_file_read_iter")
int BPF_PROG(read_fexit, struct kiocb *iocb, struct iov_iter *to, long ret)
{
	return fsop_end(ctx, ret, NULL, false);
}

SEC("fentry/ext4_file_write_iter")
int BPF_PROG(write_fentry, struct kiocb *iocb)
{
	return fs_entry_iocb(FS_WRITE, iocb);
}

SEC("fexit/ext4_file_write_iter")
int BPF_PROG(write_fexit, struct kiocb *iocb, struct iov_iter *from, long ret)
{
	return fsop_end(ctx, ret, NULL, false);
}

SEC("fentry/ext4_file_open")
int BPF_PROG(open_fentry, struct inode *inode, struct file *file)
{
	return fs_entry(FS_OPEN, file, 0);
}

/* The result of open, fsync and getattr is not used: no argument count to depend on. */
SEC("fexit/ext4_file_open")
int BPF_PROG(open_fexit)
{
	return fsop_end(ctx, 0, NULL, false);
}

SEC("fentry/ext4_sync_file")
int BPF_PROG(fsync_fentry, struct file *file)
{
	return fs_entry(FS_FSYNC, file, 0);
}

SEC("fexit/ext4_sync_file")
int BPF_PROG(fsync_fexit)
{
	return fsop_end(ctx, 0, NULL, false);
}

SEC("fentry/ext4_file_getattr")
int BPF_PROG(getattr_fentry)
{
	return fs_entry(FS_GETATTR, NULL, 0);
}

SEC("fexit/ext4_file_getattr")
int BPF_PROG(getattr_fexit)
{
	return fsop_end(ctx, 0, NULL, false);
}

SEC("kprobe/ext4_file_read_iter")
int BPF_KPROBE(read_kprobe, struct kiocb *iocb)
{
	return fs_entry_iocb(FS_READ, iocb);
}

SEC("kprobe/ext4_file_write_iter")
int BPF_KPROBE(write_kprobe, struct kiocb *iocb)
{
	return fs_entry_iocb(FS_WRITE, iocb);
}

SEC("kprobe/ext4_file_open")
int BPF_KPROBE(open_kprobe, struct inode *inode, struct file *file)
{
	return fs_entry(FS_OPEN, file, 0);
}

SEC("kprobe/ext4_sync_file")
int BPF_KPROBE(fsync_kprobe, struct file *file)
{
	return fs_entry(FS_FSYNC, file, 0);
}

SEC("kprobe/ext4_file_getattr")
int BPF_KPROBE(getattr_kprobe)
{
	return fs_entry(FS_GETATTR, NULL, 0);
}

/* One program for the return of every function (attached to each). */
SEC("kretprobe/ext4_file_read_iter")
int BPF_KRETPROBE(fs_kretprobe, long ret)
{
	return fsop_end(ctx, ret, NULL, false);
}

/* --- syscalls: the calls that reach the file system, filtered by its magic --- */

/* A regular file of the traced file system (what the file functions above serve). */
static __always_inline bool fs_file(struct file *f)
{
	return f && file_fs_magic(f) == fs_magic && (file_mode(f) & S_IFMT) == S_IFREG;
}

static __always_inline struct file *current_fd_file(long fd)
{
	return task_fd_file((struct task_struct *)bpf_get_current_task(), fd);
}

/* A stat whose descriptor or path argument names the file: fd-based with AT_EMPTY_PATH and "". */
static __always_inline bool stat_by_fd(const char *path, long flags)
{
	char c = 0;

	if (!(flags & FSOPS_AT_EMPTY_PATH))
		return false;
	return !path || bpf_probe_read_user(&c, 1, path) || !c;
}

static __always_inline int fsop_stat_enter(struct fsop_start *s, long dfd, const char *path,
					   long flags, void *buf)
{
	if (stat_by_fd(path, flags)) {
		s->file = current_fd_file(dfd);
		if (!fs_file(s->file))
			return 0;
	} else {
		s->statbuf = buf;
	}
	fsop_begin(s);
	return 0;
}

static __always_inline int fsop_rw_enter(struct fsop_start *s, const long *a)
{
	struct file *f = current_fd_file(a[0]);

	if (!fs_file(f))
		return 0;
	s->file = f;
	s->op = s->call >= CALL_WRITE ? FS_WRITE : FS_READ;
	if ((s->call == CALL_PREAD || s->call == CALL_PWRITE) ||
	    ((s->call == CALL_PREADV2 || s->call == CALL_PWRITEV2) && a[3] != -1))
		s->offset = a[3];
	else
		s->offset = BPF_CORE_READ(f, f_pos);
	fsop_begin(s);
	return 0;
}

/* a: the call's first five arguments. */
static __always_inline int sys_enter(enum fs_call call, const long *a)
{
	struct fsop_start s = { .call = call };

	if (!filter_current())
		return 0;
	switch (call) {
	case CALL_READ ... CALL_PWRITEV2:
		return fsop_rw_enter(&s, a);
	case CALL_FSYNC:
		s.op = FS_FSYNC;
		s.file = current_fd_file(a[0]);
		if (fs_file(s.file))
			fsop_begin(&s);
		return 0;
	case CALL_OPEN:
		s.op = FS_OPEN;
		fsop_begin(&s);
		return 0;
	case CALL_FSTAT:
		s.op = FS_GETATTR;
		return fsop_stat_enter(&s, a[0], "", FSOPS_AT_EMPTY_PATH, NULL);
	case CALL_FSTATAT:
		s.op = FS_GETATTR;
		return fsop_stat_enter(&s, a[0], (const char *)a[1], a[3], (void *)a[2]);
	case CALL_STATX:
		s.op = FS_GETATTR;
		return fsop_stat_enter(&s, a[0], (const char *)a[1], a[2], (void *)a[4]);
	case CALL_STAT:
		s.op = FS_GETATTR;
		return fsop_stat_enter(&s, -1, (const char *)a[0], 0, (void *)a[1]);
	default:
		return 0;
	}
}

/*
 * A stat by path: a regular file on one of fs_devs.  The kernel has just
 * written the buffer, so it is resident.  struct stat's st_dev is
 * new_encode_dev()'s: minor bits 0-7 and 20-31, major bits 8-19.
 */
static __always_inline bool stat_on_fs(const struct fsop_start *s)
{
	__u32 dev, mode = 0, major = 0, minor = 0;
	__u64 st_dev = 0;
	__u16 mode16 = 0;

	if (s->call == CALL_STATX) {
		bpf_probe_read_user(&mode16, sizeof(mode16),
				    s->statbuf + __builtin_offsetof(struct statx, stx_mode));
		bpf_probe_read_user(&major, sizeof(major),
				    s->statbuf + __builtin_offsetof(struct statx, stx_dev_major));
		bpf_probe_read_user(&minor, sizeof(minor),
				    s->statbuf + __builtin_offsetof(struct statx, stx_dev_minor));
		mode = mode16;
	} else {
		bpf_probe_read_user(&st_dev, sizeof(st_dev),
				    s->statbuf + __builtin_offsetof(struct stat, st_dev));
		bpf_probe_read_user(&mode, sizeof(mode),
				    s->statbuf + __builtin_offsetof(struct stat, st_mode));
		major = (st_dev >> 8) & 0xfff;
		minor = (st_dev & 0xff) | ((st_dev >> 12) & 0xfff00);
	}
	if ((mode & S_IFMT) != S_IFREG)
		return false;
	dev = major << 20 | (minor & 0xfffff);
	return bpf_map_lookup_elem(&fs_devs, &dev) != NULL;
}

static __always_inline int sys_exit(void *ctx, long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct fsop_start *s;
	struct file *f = NULL;

	s = bpf_map_lookup_elem(&fsop_starts, &tid);
	if (!s)
		return 0;
	if (s->call == CALL_OPEN) {
		f = ret >= 0 ? current_fd_file(ret) : NULL;
		if (!fs_file(f)) {
			bpf_map_delete_elem(&fsop_starts, &tid);
			return 0;
		}
	} else if (s->statbuf && (ret || !stat_on_fs(s))) {
		bpf_map_delete_elem(&fsop_starts, &tid);
		return 0;
	}
	return fsop_end(ctx, ret, f, true);
}

/*
 * raw_syscalls' sys_enter and sys_exit, the calls picked by number: two
 * programs for the twenty calls.  Not the syscalls:* tracepoints, a pair per
 * call: on 6.18 detaching each waits for a grace period (syscall tracepoints
 * may fault since 6.14), and 32 of them took 3.7 s to detach.
 */
#define FS_NR_CALLS 512

static const __u8 fs_calls[FS_NR_CALLS] = {
	[__NR_read] = CALL_READ,       [__NR_readv] = CALL_READ,
	[__NR_pread64] = CALL_PREAD,   [__NR_preadv] = CALL_PREAD,
	[__NR_preadv2] = CALL_PREADV2, [__NR_write] = CALL_WRITE,
	[__NR_writev] = CALL_WRITE,    [__NR_pwrite64] = CALL_PWRITE,
	[__NR_pwritev] = CALL_PWRITE,  [__NR_pwritev2] = CALL_PWRITEV2,
	[__NR_fsync] = CALL_FSYNC,     [__NR_fdatasync] = CALL_FSYNC,
	[__NR_openat] = CALL_OPEN,     [__NR_openat2] = CALL_OPEN,
	[__NR_fstat] = CALL_FSTAT,     [__NR_newfstatat] = CALL_FSTATAT,
	[__NR_statx] = CALL_STATX,
#ifdef __NR_open
	[__NR_open] = CALL_OPEN,
#endif
#ifdef __NR_creat
	[__NR_creat] = CALL_OPEN,
#endif
#ifdef __NR_stat
	[__NR_stat] = CALL_STAT,
#endif
#ifdef __NR_lstat
	[__NR_lstat] = CALL_STAT,
#endif
};

/* The operations the tool wants (lib/fsops.c): bit 1 << enum fs_op. */
const volatile __u32 fs_ops_wanted = 0;

static __always_inline enum fs_op call_op(__u8 call)
{
	switch (call) {
	case CALL_READ ... CALL_PREADV2:
		return FS_READ;
	case CALL_WRITE ... CALL_PWRITEV2:
		return FS_WRITE;
	case CALL_FSYNC:
		return FS_FSYNC;
	case CALL_OPEN:
		return FS_OPEN;
	default:
		return FS_GETATTR;
	}
}

static __always_inline __u8 call_of(long nr)
{
	return nr >= 0 && nr < FS_NR_CALLS ? fs_calls[nr] : CALL_NONE;
}

static __always_inline int on_sys_enter(struct pt_regs *regs, long id)
{
	__u8 call = call_of(id);
	long a[5];

	if (call == CALL_NONE || !(fs_ops_wanted & (1 << call_op(call))) || !native_syscall(regs))
		return 0;
	a[0] = SYSCALL_ARG(regs, 1, true);
	a[1] = SYSCALL_ARG(regs, 2, true);
	a[2] = SYSCALL_ARG(regs, 3, true);
	a[3] = SYSCALL_ARG(regs, 4, true);
	a[4] = SYSCALL_ARG(regs, 5, true);
	return sys_enter(call, a);
}

/* Most calls are none of ours: the number decides before the map is looked at. */
static __always_inline int on_sys_exit(void *ctx, struct pt_regs *regs, long ret)
{
	if (call_of(syscall_nr(regs)) == CALL_NONE)
		return 0;
	return sys_exit(ctx, ret);
}

SEC("tp_btf/sys_enter")
int BPF_PROG(sys_enter_btf, struct pt_regs *regs, long id)
{
	return on_sys_enter(regs, id);
}

SEC("raw_tp/sys_enter")
int BPF_PROG(sys_enter_raw, struct pt_regs *regs, long id)
{
	return on_sys_enter(regs, id);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sys_exit_btf, struct pt_regs *regs, long ret)
{
	return on_sys_exit(ctx, regs, ret);
}

SEC("raw_tp/sys_exit")
int BPF_PROG(sys_exit_raw, struct pt_regs *regs, long ret)
{
	return on_sys_exit(ctx, regs, ret);
}

#endif

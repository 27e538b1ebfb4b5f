// SPDX-License-Identifier: GPL-2.0
/*
 * vfsstat: count VFS reads, writes, fsyncs, opens and creates.  Where the
 * kernel lets us, at the VFS functions themselves (fentry, else kprobe);
 * elsewhere at the exit of the system calls that lead to them (raw_syscalls
 * sys_exit, every call, picked by number).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/filter.bpf.h"
#include "bpf/maps.bpf.h"
#include "bpf/syscalls.bpf.h"
#include "vfsstat.h"

/*
 * Set on a struct file by the open that created its inode (Linux 4.19,
 * commit 73a09dd94377); a #define, so not in BTF: the same bit in 6.1 to 6.18.
 */
#define FMODE_CREATED 0x100000
#define S_IFMT	      00170000
#define S_IFREG	      0100000
#define EBADF	      9

PERCPU_SLOT_MAP(counts, struct vfs_counts);

static __always_inline void count(enum vfs_op op)
{
	struct vfs_counts *c;
	__u32 zero = 0;

	c = bpf_map_lookup_elem(&counts, &zero);
	if (c)
		c->n[op]++;
}

/* --- the VFS functions (fentry, kprobe) --- */

static __always_inline int on_vfs(enum vfs_op op)
{
	if (filter_current())
		count(op);
	return 0;
}

/*
 * open(O_CREAT) creates through the directory's ->create and never calls
 * vfs_create (mknod does): an open that created its file is a create too.
 */
static __always_inline int on_vfs_open(struct file *file)
{
	if (!filter_current())
		return 0;
	count(VFS_OPEN);
	if (BPF_CORE_READ(file, f_mode) & FMODE_CREATED)
		count(VFS_CREATE);
	return 0;
}

SEC("fentry/vfs_read")
int BPF_PROG(vfs_read_fentry)
{
	return on_vfs(VFS_READ);
}

SEC("kprobe/vfs_read")
int BPF_KPROBE(vfs_read_kprobe)
{
	return on_vfs(VFS_READ);
}

SEC("fentry/vfs_write")
int BPF_PROG(vfs_write_fentry)
{
	return on_vfs(VFS_WRITE);
}

SEC("kprobe/vfs_write")
int BPF_KPROBE(vfs_write_kprobe)
{
	return on_vfs(VFS_WRITE);
}

/*
 * Not vfs_fsync: Debian's 6.1 and 6.12 inline it into fsync(2)'s path, which
 * then never calls it.  Every fsync of a file lands in vfs_fsync_range.
 */
SEC("fentry/vfs_fsync_range")
int BPF_PROG(vfs_fsync_range_fentry)
{
	return on_vfs(VFS_FSYNC);
}

SEC("kprobe/vfs_fsync_range")
int BPF_KPROBE(vfs_fsync_range_kprobe)
{
	return on_vfs(VFS_FSYNC);
}

SEC("fentry/vfs_open")
int BPF_PROG(vfs_open_fentry, const struct path *path, struct file *file)
{
	return on_vfs_open(file);
}

SEC("kprobe/vfs_open")
int BPF_KPROBE(vfs_open_kprobe, const struct path *path, struct file *file)
{
	return on_vfs_open(file);
}

SEC("fentry/vfs_create")
int BPF_PROG(vfs_create_fentry)
{
	return on_vfs(VFS_CREATE);
}

SEC("kprobe/vfs_create")
int BPF_KPROBE(vfs_create_kprobe)
{
	return on_vfs(VFS_CREATE);
}

/* --- the system calls (raw_syscalls sys_exit) --- */

/* What a system call counts as; 0: nothing. */
enum call_kind {
	CALL_NONE,
	CALL_READ,
	CALL_WRITE,
	CALL_FSYNC,
	CALL_OPEN,
	CALL_MKNOD,
	CALL_MKNODAT,
};

#define NR_CALLS 512

/* By number: one load per call decides, and most calls are none of these. */
static const __u8 call_kinds[NR_CALLS] = {
	[__NR_read] = CALL_READ,
	[__NR_pread64] = CALL_READ,
	[__NR_readv] = CALL_READ,
	[__NR_preadv] = CALL_READ,
	[__NR_preadv2] = CALL_READ,
	[__NR_write] = CALL_WRITE,
	[__NR_pwrite64] = CALL_WRITE,
	[__NR_writev] = CALL_WRITE,
	[__NR_pwritev] = CALL_WRITE,
	[__NR_pwritev2] = CALL_WRITE,
	[__NR_fsync] = CALL_FSYNC,
	[__NR_fdatasync] = CALL_FSYNC,
	[__NR_openat] = CALL_OPEN,
	[__NR_openat2] = CALL_OPEN,
	[__NR_open_by_handle_at] = CALL_OPEN,
	[__NR_mknodat] = CALL_MKNODAT,
#ifdef __NR_open
	[__NR_open] = CALL_OPEN,
#endif
#ifdef __NR_creat
	[__NR_creat] = CALL_OPEN,
#endif
#ifdef __NR_mknod
	[__NR_mknod] = CALL_MKNOD,
#endif
};

/* The file a descriptor of the current task refers to, or NULL. */
static __always_inline struct file *current_fd_file(long fd)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	struct fdtable *fdt = BPF_CORE_READ(task, files, fdt);
	struct file *file = NULL;
	struct file **fds;

	if (fd < 0 || !fdt || fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	bpf_probe_read_kernel(&file, sizeof(file), &fds[fd]);
	return file;
}

/* An open that returned fd: did it create the file? */
static __always_inline bool open_created(long fd)
{
	struct file *file = current_fd_file(fd);

	return file && (BPF_CORE_READ(file, f_mode) & FMODE_CREATED);
}

/* mknod of a regular file (type 0 is one too) is what calls vfs_create. */
static __always_inline bool mknod_regular(__u64 mode)
{
	return (mode & S_IFMT) == S_IFREG || !(mode & S_IFMT);
}

/*
 * At the exit, the result says whether the VFS was reached: a bad descriptor
 * never gets there, and only a successful open calls vfs_open.
 */
static __always_inline int on_sys_exit(struct pt_regs *regs, long ret)
{
	long nr = syscall_nr(regs);
	__u8 kind;

	if (nr < 0 || nr >= NR_CALLS)
		return 0;
	kind = call_kinds[nr];
	if (kind == CALL_NONE || !native_syscall(regs) || !filter_current())
		return 0;
	switch (kind) {
	case CALL_READ:
	case CALL_WRITE:
	case CALL_FSYNC:
		if (ret != -EBADF)
			count(kind == CALL_READ	   ? VFS_READ
			      : kind == CALL_WRITE ? VFS_WRITE
						   : VFS_FSYNC);
		break;
	case CALL_OPEN:
		if (ret < 0)
			break;
		count(VFS_OPEN);
		if (open_created(ret))
			count(VFS_CREATE);
		break;
	case CALL_MKNOD:
		if (!ret && mknod_regular(PT_REGS_PARM2_CORE_SYSCALL(regs)))
			count(VFS_CREATE);
		break;
	case CALL_MKNODAT:
		if (!ret && mknod_regular(PT_REGS_PARM3_CORE_SYSCALL(regs)))
			count(VFS_CREATE);
		break;
	}
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sys_exit_btf, struct pt_regs *regs, long ret)
{
	return on_sys_exit(regs, ret);
}

SEC("raw_tp/sys_exit")
int BPF_PROG(sys_exit_raw, struct pt_regs *regs, long ret)
{
	return on_sys_exit(regs, ret);
}

char LICENSE[] SEC("license") = "GPL";

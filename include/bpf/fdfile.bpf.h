/* SPDX-License-Identifier: GPL-2.0 */
/*
 * From a file descriptor to what it stands for, in BPF: the struct file of a
 * task's descriptor, and from the file its socket (tcpaccept and bindsnoop
 * at the exit of accept()/bind(); the file-system tools: its file system
 * and name).  For a syscall exit of the current task:
 *
 *	struct file *f = task_fd_file(bpf_get_current_task_btf(), fd);
 *	struct sock *sk = file_sock(f);           (NULL: not a socket)
 *	unsigned long magic = file_fs_magic(f);   (EXT4_SUPER_MAGIC, ...)
 *
 * Every read is a CO-RE probe read, so a descriptor closed meanwhile by
 * another thread gives NULL or stale data, never a fault.
 */
#ifndef BPFSCOPE_FDFILE_BPF_H
#define BPFSCOPE_FDFILE_BPF_H

#include <bpf/bpf_core_read.h>

#ifndef S_IFMT
#define S_IFMT	 00170000
#define S_IFSOCK 0140000
#define S_IFREG	 0100000
#define S_IFDIR	 0040000
#endif

/* The file of descriptor fd in task t's table, or NULL. */
static __always_inline struct file *task_fd_file(struct task_struct *t, int fd)
{
	struct file **fds;
	struct fdtable *fdt;
	struct file *f = NULL;

	if (!t || fd < 0)
		return NULL;
	fdt = BPF_CORE_READ(t, files, fdt);
	if (!fdt || (unsigned int)fd >= BPF_CORE_READ(fdt, max_fds))
		return NULL;
	fds = BPF_CORE_READ(fdt, fd);
	if (!fds || bpf_core_read(&f, sizeof(f), &fds[fd]))
		return NULL;
	return f;
}

/* The inode mode of f (S_IFREG, S_IFSOCK, ... and permissions); 0 for NULL. */
static __always_inline unsigned int file_mode(struct file *f)
{
	return f ? BPF_CORE_READ(f, f_inode, i_mode) : 0;
}

/* The socket behind f, or NULL when f is not one (a socket file's private_data). */
static __always_inline struct socket *file_socket(struct file *f)
{
	if ((file_mode(f) & S_IFMT) != S_IFSOCK)
		return NULL;
	return BPF_CORE_READ(f, private_data);
}

/* The struct sock behind f (read it with include/bpf/net.bpf.h), or NULL. */
static __always_inline struct sock *file_sock(struct file *f)
{
	struct socket *s = file_socket(f);

	return s ? BPF_CORE_READ(s, sk) : NULL;
}

/* The magic number of f's file system (EXT4_SUPER_MAGIC, XFS_SUPER_MAGIC, ...); 0 for NULL. */
static __always_inline unsigned long file_fs_magic(struct file *f)
{
	return f ? BPF_CORE_READ(f, f_inode, i_sb, s_magic) : 0;
}

/* The device of f's inode (a tty's i_rdev, for ttysnoop); 0 for NULL. */
static __always_inline __u32 file_rdev(struct file *f)
{
	return f ? BPF_CORE_READ(f, f_inode, i_rdev) : 0;
}

/* f's last path component, NUL-terminated in buf; its length with the NUL, or < 0. */
static __always_inline long file_name(struct file *f, char *buf, __u32 size)
{
	const unsigned char *name;

	if (!f)
		return -1;
	name = BPF_CORE_READ(f, f_path.dentry, d_name.name);
	return bpf_probe_read_kernel_str(buf, size, name);
}

#endif

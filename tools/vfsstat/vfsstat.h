/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VFSSTAT_H
#define VFSSTAT_H

/* The columns, in their order. */
enum vfs_op {
	VFS_READ,
	VFS_WRITE,
	VFS_FSYNC,
	VFS_OPEN,
	VFS_CREATE,
	VFS_MAX,
};

/* Per CPU, never cleared: user space reads how much they grew each interval. */
struct vfs_counts {
	__u64 n[VFS_MAX];
};

#endif

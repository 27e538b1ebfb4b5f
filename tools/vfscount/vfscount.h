/* SPDX-License-Identifier: GPL-2.0 */
#ifndef VFSCOUNT_H
#define VFSCOUNT_H

#define VFS_FUNCS_MAX 512 /* vfs_* functions counted (6.12 has about 80) */

/* A counter per function, keyed by the address the hook reports for it. */
struct vfs_rec {
	__u64 ip;
	__u64 count;
};

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The file systems fsslower and fsdist trace (and ext4slower, xfsdist, ...,
 * the names users type): each one's magic number, the functions of its file
 * operations, and the devices it is mounted from.  The operation numbers are
 * shared with the BPF side (include/bpf/fsops.bpf.h).
 *
 *	const struct fstype *fs = fstype_find("xfs");          (NULL: unknown)
 *	fs = fstype_of_name("ext4slower", "slower");            (ext4)
 *	fs->funcs[FS_READ]                                      ("xfs_file_read_iter")
 */
#ifndef BPFSCOPE_FSTYPES_H
#define BPFSCOPE_FSTYPES_H

enum fs_op {
	FS_READ,
	FS_WRITE,
	FS_OPEN,
	FS_FSYNC,
	FS_GETATTR,
	FS_OP_MAX,
};

/* Devices of one file-system type that fsdist checks stats by path against. */
#define FS_DEVS_MAX 64

#ifndef __bpf__
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct fstype {
	const char *name;
	unsigned long magic; /* the super block's s_magic */
	/* Where the functions live when the file system is a module (its BTF in /sys/kernel/btf).
	 */
	const char *module;
	/* The function behind each operation (NULL: none is traced). */
	const char *funcs[FS_OP_MAX];
};

/* "read", "write", "open", "fsync", "getattr" */
const char *fs_op_name(enum fs_op op);
/* "R", "W", "O", "F", "G": fsslower's T column */
char fs_op_letter(enum fs_op op);

const struct fstype *fstype_find(const char *name);
/*
 * The file system a name such as "ext4slower" stands for: the name without
 * suffix ("slower", "dist"), if that is a known type; NULL otherwise.
 */
const struct fstype *fstype_of_name(const char *prog, const char *suffix);
/* The known types' names joined by '/' ("btrfs/ext4/nfs/xfs/zfs"). */
const char *fstype_names(void);

/*
 * The devices (kernel dev_t: major << 20 | minor) that file systems of this
 * type are mounted from, read from a mountinfo file (/proc/self/mountinfo):
 * at most max into devs.  A path-based stat() is matched by the device it
 * reports.  Returns the number found, or -errno.
 */
int fstype_devs(const struct fstype *fs, const char *mountinfo, uint32_t *devs, int max);

/* The device of one mountinfo line if it mounts a file system named type; false otherwise. */
bool mountinfo_line_dev(const char *line, const char *type, uint32_t *dev);

#endif /* __bpf__ */
#endif

/* SPDX-License-Identifier: GPL-2.0 */
#ifndef FILELIFE_H
#define FILELIFE_H

#include "shared.h"

#define NAME_LEN  256 /* a file name (NAME_MAX + NUL) */
#define UPATH_LEN 512 /* unlink()'s path, read to find its last component */

/* How a delete was matched to its create. */
enum life_how {
	LIFE_EXACT,    /* the directory and name of the file deleted (VFS, ext4, xfs) */
	LIFE_DIR,      /* unlink() of a bare name: the directory from dirfd or the cwd */
	LIFE_NAMEONLY, /* unlink() of a path with directories: the last file created of that name */
};

/* A file created while tracing: its directory and name. */
struct birth_key {
	__u32 dev; /* the file system's device (kernel dev_t) */
	__u32 pad;
	__u64 dir_ino;
	char name[NAME_LEN];
};

struct life_event {
	__u64 age_ns;
	__u32 pid;
	__u32 tid;
	__u32 how;
	__u32 pad;
	char comm[TASK_COMM_LEN];
	char name[NAME_LEN];
};

#endif

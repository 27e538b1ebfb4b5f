/* SPDX-License-Identifier: GPL-2.0 */
#ifndef FILETOP_H
#define FILETOP_H

#include "shared.h"

#define FILE_NAME_LEN 256 /* a file's last path component, NUL included */
#define MAX_FILES     10240

/* One thread's I/O on one file. */
struct file_key {
	__u32 pid;
	__u32 tid;
	__u32 dev;  /* the file system's device (kernel dev_t) */
	__u32 rdev; /* a device file's device */
	__u64 ino;
};

struct file_stat {
	__u64 reads;
	__u64 writes;
	__u64 rbytes;
	__u64 wbytes;
	char comm[TASK_COMM_LEN];
	char name[FILE_NAME_LEN];
	char type; /* R regular, S socket, O other */
	char pad[7];
};

#endif

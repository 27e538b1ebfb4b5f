/* SPDX-License-Identifier: GPL-2.0 */
#ifndef FSSLOWER_H
#define FSSLOWER_H

#include "shared.h"

#define FILE_NAME_LEN 256 /* a file's last path component, NUL included */

struct fs_event {
	__u64 end_ns; /* bpf_ktime_get_ns() at the end */
	__u64 delta_ns;
	__s64 size; /* read and write: the result (bytes, or -errno); else 0 */
	__s64 offset;
	__u32 pid;
	__u32 tid;
	__u8 op; /* enum fs_op */
	__u8 pad[7];
	char comm[TASK_COMM_LEN];
	char file[FILE_NAME_LEN];
};

#endif

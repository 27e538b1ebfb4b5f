/* SPDX-License-Identifier: GPL-2.0 */
#ifndef FSDIST_H
#define FSDIST_H

#define MAX_SLOTS 32

/* The latency histogram of one operation (the map's key: enum fs_op). */
struct fs_hist {
	__u64 slots[MAX_SLOTS];
};

#endif

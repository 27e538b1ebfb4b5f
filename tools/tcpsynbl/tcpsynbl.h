/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TCPSYNBL_H
#define TCPSYNBL_H

#define MAX_SLOTS 32   /* log2 slots: backlogs are below 2^32 */
#define MAX_HISTS 1024 /* listen backlog limits per interval */

/* A histogram of backlog lengths, kept per backlog limit (the map's __u32 key). */
struct backlog_hist {
	__u64 slots[MAX_SLOTS];
};

#endif

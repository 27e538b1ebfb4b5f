/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TCPCONNLAT_H
#define TCPCONNLAT_H

#include "net.h"
#include "shared.h"

#define MAX_PENDING 10240 /* connects in SYN_SENT at once */

/* A connect in SYN_SENT: when it started, and who started it. */
struct connlat_start {
	__u64 ts_ns;
	__u32 pid;
	__u32 tid;
	char comm[TASK_COMM_LEN];
};

/* A connect established: from SYN_SENT to ESTABLISHED. */
struct connlat_event {
	__u64 ts_ns;
	__u64 lat_ns;
	struct net_tuple t;
	__u32 pid;
	__u32 tid;
	char comm[TASK_COMM_LEN];
};

#endif

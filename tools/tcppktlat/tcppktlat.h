/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TCPPKTLAT_H
#define TCPPKTLAT_H

#include "net.h"
#include "shared.h"

/* Sockets with data waiting to be read, tracked at once (more are counted as missed). */
#define MAX_WAITING 16384

/* Data read by a task: how long the oldest of it had waited in the socket. */
struct pktlat_event {
	__u64 ts_ns;
	__u64 delta_ns;
	struct net_tuple flow;
	__u32 pid;
	__u32 tid;
	char comm[TASK_COMM_LEN];
};

#endif

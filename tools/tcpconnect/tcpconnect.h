/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TCPCONNECT_H
#define TCPCONNECT_H

#include "net.h"
#include "shared.h"

#define MAX_FLOWS   10240 /* -c: address and port pairs counted */
#define MAX_PENDING 10240 /* sockets between SYN_SENT and their local port */

/* One connect: the socket's addresses and ports (lport 0 where it is not read). */
struct connect_event {
	__u64 ts_ns;
	struct net_tuple t;
	__u32 pid;
	__u32 tid;
	__u32 uid;
	char comm[TASK_COMM_LEN];
};

#endif

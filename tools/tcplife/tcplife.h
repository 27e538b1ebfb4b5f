/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TCPLIFE_H
#define TCPLIFE_H

#include "net.h"
#include "shared.h"

/* TCP sessions followed at once, from their first state to TCP_CLOSE. */
#define MAX_SOCKS 16384

/* A session that ended: sent at TCP_CLOSE. */
struct life_event {
	__u64 ts_ns;	/* when it closed */
	__u64 span_ns;	/* from its first state (SYN_SENT, SYN_RECV or ESTABLISHED) */
	__u64 tx_bytes; /* tcp_sock bytes_acked: sent and acknowledged */
	__u64 rx_bytes; /* tcp_sock bytes_received */
	struct net_tuple flow;
	__u32 pid;
	char comm[TASK_COMM_LEN];
	__u8 pad[4];
};

#endif

/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TCPSTATES_H
#define TCPSTATES_H

#include "net.h"
#include "shared.h"

/* Sockets whose last change is remembered at once (for MS). */
#define MAX_SOCKS 16384

struct state_event {
	__u64 ts_ns;
	__u64 skaddr;	/* the struct sock, to tell sessions apart */
	__u64 delta_ns; /* in the old state; 0 for the first change seen */
	struct net_tuple flow;
	__u32 pid; /* the task running when the state changed */
	char comm[TASK_COMM_LEN];
	__u8 oldstate;
	__u8 newstate;
	__u8 pad[2];
};

#endif

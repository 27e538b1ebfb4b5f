/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TCPTOP_H
#define TCPTOP_H

#include "net.h"
#include "shared.h"

#define MAX_FLOWS 10240

/* One connection as one process used it. */
struct flow_key {
	struct net_tuple t;
	__u32 pid;
	char comm[TASK_COMM_LEN];
};

/* Bytes the process received and sent on it in the interval. */
struct flow_bytes {
	__u64 rx;
	__u64 tx;
};

#endif

/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TCPTRACER_H
#define TCPTRACER_H

#include "net.h"
#include "shared.h"

enum tracer_type {
	TRACER_CONNECT = 1, /* "C": a connection this task opened is established */
	TRACER_ACCEPT = 2,  /* "A": accept() returned it */
	TRACER_CLOSE = 3,   /* "X": the task closed it */
};

/* Who connects: noted when the SYN is sent, reported once the connection is established. */
struct tracer_owner {
	__u32 pid;
	__u32 uid;
	char comm[TASK_COMM_LEN];
};

struct tracer_event {
	__u64 ts_ns;
	struct net_tuple t;
	struct tracer_owner who;
	__u32 netns;
	__u8 type; /* enum tracer_type */
	__u8 pad[3];
};

#endif

/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TCPACCEPT_H
#define TCPACCEPT_H

#include "net.h"
#include "shared.h"

/*
 * An accepted TCP connection.  fd: the descriptor accept() returned; -1 when
 * the connection was seen at the end of its handshake instead (kernels
 * without syscall hooks), where no process is known: pid, tid, uid and comm
 * are then zero.
 */
struct accept_event {
	__u64 ts_ns;
	struct net_tuple t;
	__u32 pid;
	__u32 tid;
	__u32 uid;
	__s32 fd;
	char comm[TASK_COMM_LEN];
};

#endif

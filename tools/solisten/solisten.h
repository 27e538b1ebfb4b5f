/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SOLISTEN_H
#define SOLISTEN_H

#include "shared.h"

/*
 * One listen() call on an IPv4 or IPv6 socket, as the socket stood at the
 * call's exit.  backlog: the queue length the socket got (sk_max_ack_backlog,
 * the argument capped by net.core.somaxconn) after a successful call; the
 * argument as passed after a failed one.
 */
struct listen_event {
	__u64 ts_ns;
	__u64 netns; /* the socket's network namespace (inode number) */
	__u32 pid;
	__u32 tid;
	__s32 ret;
	__s32 backlog;
	__u16 port;	/* host order; 0: not bound */
	__u16 protocol; /* IPPROTO_TCP, IPPROTO_MPTCP, ... */
	__u16 type;	/* SOCK_STREAM, ... */
	__u8 ip;	/* 4 or 6 */
	__u8 pad;
	__u8 addr[16]; /* bound address, network order (IPv4: the first 4 bytes) */
	char comm[TASK_COMM_LEN];
};

#endif

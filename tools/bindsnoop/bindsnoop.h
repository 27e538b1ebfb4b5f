/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BINDSNOOP_H
#define BINDSNOOP_H

#include "accept.h"
#include "shared.h"

/*
 * A bind() on an IPv4 or IPv6 socket.  Success: the address and port bound
 * (the port the kernel chose for port 0); failure: those asked for.
 */
struct bind_event {
	__u64 ts_ns;
	__u8 addr[16]; /* network order; IPv4 in the first 4 bytes */
	__u32 pid;
	__u32 tid;
	__u32 uid;
	__s32 ret;
	__s32 bound_dev_if; /* SO_BINDTODEVICE's interface index; 0: none */
	__u16 port;
	__u16 proto; /* IPPROTO_TCP, IPPROTO_UDP, ... */
	__u8 ip;     /* 4 or 6: the socket's family */
	__u8 opts;   /* BIND_OPT_* (include/accept.h) */
	__u8 pad[2];
	char comm[TASK_COMM_LEN];
};

#endif

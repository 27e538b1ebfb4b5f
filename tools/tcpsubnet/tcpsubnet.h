/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TCPSUBNET_H
#define TCPSUBNET_H

#ifndef __bpf__
#include <linux/types.h>
#endif

#define MAX_SUBNETS 64

/* A subnet: addresses in network byte order (IPv4 in the first 4 bytes). */
struct subnet {
	__u8 addr[16]; /* already masked */
	__u8 mask[16];
	__u8 ip; /* 4 or 6 */
	__u8 pad[7];
};

#endif

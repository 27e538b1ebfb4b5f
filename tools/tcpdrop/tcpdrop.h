/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TCPDROP_H
#define TCPDROP_H

#include "stack_types.h"

/*
 * A TCP packet the kernel dropped, with the kernel stack that dropped it
 * (kbytes of frames, or a negative errno; the event is sent up to the end
 * of its frames).  Addresses in network order, ports in host order, as the
 * packet's headers have them.
 */
struct drop_event {
	__u64 ts_ns;
	__u8 saddr[16];
	__u8 daddr[16];
	__u16 sport;
	__u16 dport;
	__u32 pid;
	__u32 reason; /* enum skb_drop_reason */
	__u8 ip;      /* 4 or 6 */
	__u8 state;   /* TCP state of the packet's socket; 0: it has none */
	__u8 flags;   /* TCP flags */
	__u8 pad;
	__s32 kbytes;
	__u64 frames[STACK_MAX_DEPTH];
};

#define DROP_EVENT_HEADER_SIZE (sizeof(struct drop_event) - STACK_MAX_DEPTH * sizeof(__u64))

#endif

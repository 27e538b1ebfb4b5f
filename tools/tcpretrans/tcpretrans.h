/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TCPRETRANS_H
#define TCPRETRANS_H

#include "net.h"

#define MAX_FLOWS 10240

enum retrans_type {
	RETRANS_SEGMENT = 1,	/* a segment sent again: "R>" */
	RETRANS_TLP = 2,	/* a tail loss probe: "L>" */
};

struct retrans_event {
	__u64 ts_ns;
	struct net_tuple flow;
	__u32 pid;
	__u32 seq;		/* TCP sequence of the segment; 0 for a TLP */
	__u8 state;		/* TCP_ESTABLISHED, ... */
	__u8 type;		/* enum retrans_type */
	__u8 pad[6];
};

/* -c: per-flow totals, kept in the kernel (keyed by struct net_tuple). */
struct flow_count {
	__u64 retransmits;
	__u64 tlps;
};

#endif

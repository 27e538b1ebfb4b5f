/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TCPRETRANS_H
#define TCPRETRANS_H

#define MAX_FLOWS 10240

enum retrans_type {
	RETRANS_SEGMENT = 1,	/* a segment sent again: "R>" */
	RETRANS_TLP = 2,	/* a tail loss probe: "L>" */
};

/* Addresses in network byte order (IPv4 in the first 4 bytes), ports in host order. */
struct flow_key {
	__u8 saddr[16];
	__u8 daddr[16];
	__u16 lport;
	__u16 dport;
	__u8 ip;		/* 4 or 6 */
	__u8 pad[3];
};

struct retrans_event {
	__u64 ts_ns;
	struct flow_key flow;
	__u32 pid;
	__u32 seq;		/* TCP sequence of the segment; 0 for a TLP */
	__u8 state;		/* TCP_ESTABLISHED, ... */
	__u8 type;		/* enum retrans_type */
	__u8 pad[6];
};

/* -c: per-flow totals, kept in the kernel (keyed by struct flow_key). */
struct flow_count {
	__u64 retransmits;
	__u64 tlps;
};

#endif

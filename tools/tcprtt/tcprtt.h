/* SPDX-License-Identifier: GPL-2.0 */
#ifndef TCPRTT_H
#define TCPRTT_H

#include "net.h"

#define MAX_SLOTS 27	/* log2 slots: 2^26 usecs is 67 seconds */
#define MAX_ADDRS 10240 /* histograms per interval with -b or -B */

/* What a histogram is kept for. */
enum rtt_by {
	BY_NONE,  /* one histogram for every socket traced */
	BY_LADDR, /* -b: per local address */
	BY_RADDR, /* -B: per remote address */
};

/* -b, -B: the address a histogram belongs to. */
struct rtt_key {
	__u32 ip; /* 4 or 6 */
	__u8 addr[16];
};

/*
 * A histogram, then the sum and count of its samples for -e: both sides read
 * the value as MAX_SLOTS + 2 counters.
 */
struct rtt_hist {
	__u64 slots[MAX_SLOTS];
	__u64 latency;
	__u64 count;
};

#endif

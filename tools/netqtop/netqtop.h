/* SPDX-License-Identifier: GPL-2.0 */
#ifndef NETQTOP_H
#define NETQTOP_H

#include "shared.h"

#define MAX_QUEUES 1024 /* per direction, as upstream */

enum { DIR_TX, DIR_RX, NDIRS };

/* Packet size classes: [0, 64), [64, 512), [512, 2K), [2K, 16K), [16K, 64K), 64K and more. */
#define NSIZES 6

/* One queue's packets, kept per CPU and never cleared (user space takes differences). */
struct queue_stat {
	__u64 bytes;
	__u64 packets;
	__u64 sizes[NSIZES];
};

#endif

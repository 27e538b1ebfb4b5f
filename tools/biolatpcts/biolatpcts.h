/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BIOLATPCTS_H
#define BIOLATPCTS_H

/*
 * Latency slots of three widths, finest first: 10 us up to 1 ms (slots
 * 0-99), 1 ms up to 100 ms (100-198), 100 ms up to 10 s (199-296); the last
 * slot (297) holds 9.9 s and more.
 */
#define SLOTS_10US  100
#define SLOTS_1MS   99
#define SLOTS_100MS 99
#define NR_SLOTS    (SLOTS_10US + SLOTS_1MS + SLOTS_100MS)

/* The operations with a table row, in the order printed. */
enum io_type { IO_READ, IO_WRITE, IO_DISCARD, IO_FLUSH, IO_TYPES };

/* -w: where a request's latency starts; it ends at completion. */
enum which { WHICH_ON_DEVICE, WHICH_AFTER_RQ_ALLOC, WHICH_FROM_RQ_ALLOC };

struct hist_key {
	__u32 dev;  /* (major << 20) | minor, the kernel's dev_t layout */
	__u32 type; /* enum io_type */
};

struct hist {
	__u64 slots[NR_SLOTS];
};

#endif

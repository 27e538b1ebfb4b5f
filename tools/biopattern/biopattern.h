/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BIOPATTERN_H
#define BIOPATTERN_H

/*
 * A disk's state: where its last completed request ended, and running totals
 * (never reset: user space prints their growth per interval) of the requests
 * that began there (sequential) and elsewhere (random), and of their bytes.
 */
struct disk_state {
	__u64 last_end;
	__u64 sequential;
	__u64 random;
	__u64 bytes;
};

#endif

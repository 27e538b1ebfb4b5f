/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BIOPATTERN_H
#define BIOPATTERN_H

/* A disk's requests of one interval: those that began where the previous one ended, the rest. */
struct counter {
	__u64 sequential;
	__u64 random;
	__u64 bytes;
};

#endif

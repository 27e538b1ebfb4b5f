/* SPDX-License-Identifier: GPL-2.0 */
/* Reading whole BPF maps from user space. */
#ifndef BPFSCOPE_MAPS_H
#define BPFSCOPE_MAPS_H

#include <stddef.h>

/* Every entry of a map, keys and values in two arrays of the same order. */
struct map_entries {
	void *keys;   /* n keys of key_size bytes */
	void *values; /* n values of value_size bytes */
	size_t n;
};

/*
 * Read every entry of the map fd.  value_size is what a lookup writes (for a
 * per-CPU map: the value rounded up to 8 bytes, times the possible CPUs).
 * Entries deleted while reading are skipped; on running out of memory what
 * was read so far is kept.  Returns 0 or -ENOMEM (nothing read).
 */
int map_read_all(int fd, size_t key_size, size_t value_size, struct map_entries *out);
void map_entries_free(struct map_entries *e);

#endif

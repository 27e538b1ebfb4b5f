// SPDX-License-Identifier: GPL-2.0
/* lib/maps.c: every entry of a BPF hash map is read, keys with their values.  Needs root. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "maps.h"
#include "unit.h"

#define ENTRIES 3000 /* more than one growth step of the reader */

struct key {
	uint32_t a, b, c; /* not a multiple of 8: values must not follow keys in memory */
};

static int make_map(int entries)
{
	int fd = bpf_map_create(BPF_MAP_TYPE_HASH, "test_maps", sizeof(struct key),
				sizeof(uint64_t), ENTRIES, NULL);

	for (int i = 0; fd >= 0 && i < entries; i++) {
		struct key k = { i, i * 7, ~i };
		uint64_t v = (uint64_t)i << 32 | 5;

		if (bpf_map_update_elem(fd, &k, &v, BPF_NOEXIST))
			return -1;
	}
	return fd;
}

/* Each key once, with its own value. */
static int mismatches(const struct map_entries *e)
{
	const struct key *keys = e->keys;
	const uint64_t *values = e->values;
	char *seen = calloc(ENTRIES, 1);
	int bad = 0;

	if (!seen)
		return -1;
	for (size_t i = 0; i < e->n; i++) {
		uint32_t n = keys[i].a;

		bad += n >= ENTRIES || seen[n] || keys[i].b != n * 7 || keys[i].c != ~n ||
		       values[i] != ((uint64_t)n << 32 | 5);
		if (n < ENTRIES)
			seen[n] = 1;
	}
	free(seen);
	return bad;
}

int main(void)
{
	struct map_entries e;
	int fd, err;

	fd = make_map(ENTRIES);
	if (fd < 0) {
		printf("skip - maps: cannot create a BPF map (not root?)\n");
		return 0;
	}
	err = map_read_all(fd, sizeof(struct key), sizeof(uint64_t), &e);
	CHECK("maps: every entry read", !err && e.n == ENTRIES, "err %d, %zu of %d", err, e.n,
	      ENTRIES);
	CHECK("maps: each key once with its value", !mismatches(&e), "%d wrong", mismatches(&e));
	map_entries_free(&e);
	close(fd);

	fd = make_map(0);
	err = map_read_all(fd, sizeof(struct key), sizeof(uint64_t), &e);
	CHECK("maps: an empty map reads as none", !err && !e.n, "err %d, %zu entries", err, e.n);
	map_entries_free(&e);
	close(fd);
	return unit_exit();
}

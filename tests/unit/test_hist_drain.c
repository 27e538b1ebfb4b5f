// SPDX-License-Identifier: GPL-2.0
/* hist_drain (lib/hist.c) against real BPF hash maps: needs root (CAP_BPF). */
#include <errno.h>
#include <stddef.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "hist.h"
#include "unit.h"

#define NSLOTS 4

/* A key of two __u32 fields, as biolatency's (disk, flags). */
struct key2 {
	__u32 a, b;
};

struct rec2 {
	struct key2 key;
	uint64_t slots[NSLOTS];
};

static int new_map(enum bpf_map_type type, __u32 key_size, __u32 value_size)
{
	return bpf_map_create(type, "test_drain", key_size, value_size, 64, NULL);
}

static void put2(int fd, __u32 a, __u32 b)
{
	struct key2 k = { a, b };
	uint64_t v[NSLOTS] = { a, b, a + b, 7 };

	bpf_map_update_elem(fd, &k, v, BPF_ANY);
}

static bool rec_ok(const struct rec2 *r, __u32 a, __u32 b)
{
	return r->key.a == a && r->key.b == b && r->slots[0] == a && r->slots[1] == b &&
	       r->slots[2] == a + b && r->slots[3] == 7;
}

static int map_size(int fd)
{
	struct key2 k, *prev = NULL;
	int n = 0;

	while (!bpf_map_get_next_key(fd, prev, &k)) {
		prev = &k;
		n++;
	}
	return n;
}

static void test_drain_sorted(void)
{
	int fd = new_map(BPF_MAP_TYPE_HASH, sizeof(struct key2), sizeof(uint64_t) * NSLOTS);
	struct rec2 recs[8];
	struct hist_records r = { recs, sizeof(recs[0]), offsetof(struct rec2, slots), 8, NULL };
	int n;

	/* 256 before 1 byte by byte (little endian): the order must be numeric. */
	put2(fd, 256, 0);
	put2(fd, 1, 5);
	put2(fd, 1, 2);
	put2(fd, 65536, 1);
	put2(fd, 2, 0);
	n = hist_drain(fd, &r);
	CHECK("every entry taken, with its value",
	      n == 5 && rec_ok(&recs[0], 1, 2) && rec_ok(&recs[1], 1, 5) &&
		      rec_ok(&recs[2], 2, 0) && rec_ok(&recs[3], 256, 0) &&
		      rec_ok(&recs[4], 65536, 1),
	      "n=%d first %u/%u", n, recs[0].key.a, recs[0].key.b);
	CHECK("the map is empty afterwards", map_size(fd) == 0, "%d left", map_size(fd));
	CHECK("the next drain sees only what came after", hist_drain(fd, &r) == 0, "not empty");
	put2(fd, 9, 9);
	n = hist_drain(fd, &r);
	CHECK("an entry added later is taken next time", n == 1 && rec_ok(&recs[0], 9, 9), "n=%d",
	      n);
	close(fd);
}

static void test_drain_max(void)
{
	int fd = new_map(BPF_MAP_TYPE_LRU_HASH, sizeof(struct key2), sizeof(uint64_t) * NSLOTS);
	struct rec2 recs[8];
	struct hist_records r = { recs, sizeof(recs[0]), offsetof(struct rec2, slots), 2, NULL };
	int i, n, rest;

	for (i = 0; i < 5; i++)
		put2(fd, i, 0);
	n = hist_drain(fd, &r);
	rest = map_size(fd);
	CHECK("at most max taken (LRU hash), the rest left in the map", n == 2 && rest == 3,
	      "n=%d rest=%d", n, rest);
	r.max = 8;
	n = hist_drain(fd, &r);
	CHECK("the rest taken by the next call", n == 3, "n=%d", n);
	close(fd);
}

static int cmp_desc(const void *a, const void *b)
{
	const struct rec2 *x = a, *y = b;

	return x->key.a < y->key.a ? 1 : x->key.a > y->key.a ? -1 : 0;
}

/* A __u32 id key and a value with more than counters (runqlat's slots + comm). */
struct rec1 {
	__u32 id;
	__u32 pad;
	uint64_t slots[NSLOTS];
	char comm[16];
};

static void test_layouts(void)
{
	int fd = new_map(BPF_MAP_TYPE_HASH, sizeof(struct key2), sizeof(uint64_t) * NSLOTS);
	int fd1 = new_map(BPF_MAP_TYPE_HASH, sizeof(__u32), sizeof(uint64_t) * NSLOTS + 16);
	int arr = new_map(BPF_MAP_TYPE_ARRAY, sizeof(__u32), sizeof(uint64_t) * NSLOTS);
	struct rec2 recs[8];
	struct rec1 recs1[4];
	struct hist_records r = { recs, sizeof(recs[0]), offsetof(struct rec2, slots), 8,
				  cmp_desc };
	struct hist_records r1 = { recs1, sizeof(recs1[0]), offsetof(struct rec1, slots), 4, NULL };
	char value[sizeof(uint64_t) * NSLOTS + 16] = { 0 };
	int n;

	put2(fd, 3, 0);
	put2(fd, 30, 0);
	put2(fd, 10, 0);
	n = hist_drain(fd, &r);
	CHECK("the caller's order", n == 3 && recs[0].key.a == 30 && recs[2].key.a == 3, "n=%d", n);
	r.value_off = 4;
	CHECK("a value that would overlap the key is refused", hist_drain(fd, &r) == -EINVAL, "%s",
	      "accepted");
	r.value_off = offsetof(struct rec2, slots);
	r.rec_size = sizeof(recs[0]) - 1;
	CHECK("a record too small for the value is refused", hist_drain(fd, &r) == -EINVAL, "%s",
	      "accepted");
	CHECK("an array is refused", hist_drain(arr, &r1) == -EINVAL, "%s", "accepted");
	CHECK("a bad descriptor is an error", hist_drain(-1, &r1) < 0, "%s", "accepted");

	memcpy(value + sizeof(uint64_t) * NSLOTS, "worker", 7);
	bpf_map_update_elem(fd1, &(__u32){ 4242 }, value, BPF_ANY);
	n = hist_drain(fd1, &r1);
	CHECK("a __u32 key with a larger value",
	      n == 1 && recs1[0].id == 4242 && !strcmp(recs1[0].comm, "worker"), "n=%d", n);
	close(fd);
	close(fd1);
	close(arr);
}

int main(void)
{
	int fd = new_map(BPF_MAP_TYPE_HASH, 4, 8);

	if (fd < 0) {
		printf("ok - hist_drain # SKIP cannot create BPF maps: %s\n", strerror(errno));
		return unit_exit();
	}
	close(fd);
	test_drain_sorted();
	test_drain_max();
	test_layouts();
	return unit_exit();
}

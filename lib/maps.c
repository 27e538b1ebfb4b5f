// SPDX-License-Identifier: GPL-2.0
/* Reading whole BPF maps; see include/maps.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "maps.h"

struct reader {
	size_t key_size, value_size, cap;
	void *key;   /* the key being read */
	void *value; /* its value */
};

static int grow(struct map_entries *e, struct reader *r)
{
	size_t cap = r->cap ? r->cap * 2 : 1024;
	void *keys, *values;

	keys = realloc(e->keys, cap * r->key_size);
	if (!keys)
		return -ENOMEM;
	e->keys = keys;
	values = realloc(e->values, cap * r->value_size);
	if (!values)
		return -ENOMEM;
	e->values = values;
	r->cap = cap;
	return 0;
}

static void append(struct map_entries *e, const struct reader *r)
{
	memcpy((char *)e->keys + e->n * r->key_size, r->key, r->key_size);
	memcpy((char *)e->values + e->n * r->value_size, r->value, r->value_size);
	e->n++;
}

int map_read_all(int fd, size_t key_size, size_t value_size, struct map_entries *out)
{
	struct reader r = { .key_size = key_size, .value_size = value_size };
	void *prev = NULL, *next;
	int err = 0;

	memset(out, 0, sizeof(*out));
	r.key = malloc(key_size);
	next = malloc(key_size);
	r.value = malloc(value_size);
	if (!r.key || !next || !r.value)
		err = -ENOMEM;
	while (!err && !bpf_map_get_next_key(fd, prev, next)) {
		memcpy(r.key, next, key_size);
		prev = r.key;
		if (bpf_map_lookup_elem(fd, r.key, r.value))
			continue;
		if (out->n == r.cap && grow(out, &r))
			break;
		append(out, &r);
	}
	free(r.key);
	free(next);
	free(r.value);
	return err;
}

void map_entries_free(struct map_entries *e)
{
	free(e->keys);
	free(e->values);
	memset(e, 0, sizeof(*e));
}

/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BPFSCOPE_MAPS_BPF_H
#define BPFSCOPE_MAPS_BPF_H

#include <asm-generic/errno-base.h>

/* A map of one value per CPU (key 0): a histogram or counter updated with plain increments. */
#define PERCPU_SLOT_MAP(name, value_type)                \
	struct {                                         \
		__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY); \
		__uint(max_entries, 1);                  \
		__type(key, __u32);                      \
		__type(value, value_type);               \
	} name SEC(".maps")

/* Look up key, inserting init first if it is absent. */
static __always_inline void *map_lookup_or_init(void *map, const void *key, const void *init)
{
	void *val;
	long err;

	val = bpf_map_lookup_elem(map, key);
	if (val)
		return val;
	err = bpf_map_update_elem(map, key, init, BPF_NOEXIST);
	if (err && err != -EEXIST)
		return 0;
	return bpf_map_lookup_elem(map, key);
}

#endif

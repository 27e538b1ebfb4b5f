/* SPDX-License-Identifier: GPL-2.0 */
#ifndef BPFSCOPE_MAPS_BPF_H
#define BPFSCOPE_MAPS_BPF_H

#include <asm-generic/errno-base.h>

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

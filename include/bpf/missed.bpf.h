/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Events a tool saw but could not deliver or account for (a full ring buffer,
 * a map update that failed, a clock that went backwards between CPUs):
 * counted per CPU here, reported by user space together with the program runs
 * the kernel skipped (events_missed(): "N events lost" or "N events missed").
 */
#ifndef BPFSCOPE_MISSED_BPF_H
#define BPFSCOPE_MISSED_BPF_H

#include "bpf/maps.bpf.h"

PERCPU_SLOT_MAP(missed, __u64);

static __always_inline void count_missed(void)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&missed, &zero);

	if (n)
		*n += 1;
}

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Events a tool saw but could not deliver or account for (a full ring buffer,
 * a map update that failed, a clock that went backwards between CPUs):
 * counted per CPU here, reported by user space together with the program runs
 * the kernel skipped (tool_missed_runs: "N events lost" or "N events missed").
 */
#ifndef BPFSCOPE_MISSED_BPF_H
#define BPFSCOPE_MISSED_BPF_H

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} missed SEC(".maps");

static __always_inline void count_missed(void)
{
	__u32 zero = 0;
	__u64 *n = bpf_map_lookup_elem(&missed, &zero);

	if (n)
		*n += 1;
}

#endif

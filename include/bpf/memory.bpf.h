/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Memory-management reads the memory tools share (oomkill, and the memory
 * tools to come), with the kernel drift they cover.
 */
#ifndef BPFSCOPE_MEMORY_BPF_H
#define BPFSCOPE_MEMORY_BPF_H

#include <bpf/bpf_core_read.h>

/*
 * mm_struct::rss_stat was a struct of atomic counters until Linux 6.2, then an
 * array of percpu_counters (commit f1a7941243c1, "mm: convert mm's rss stats
 * into percpu_counter").  Either way the index is MM_FILEPAGES (0),
 * MM_ANONPAGES (1), MM_SWAPENTS (2), MM_SHMEMPAGES (3); the percpu_counter's
 * count is the value the kernel's own get_mm_counter() reads.
 */
struct mm_rss_stat___pre62 {
	atomic_long_t count[4];
} __attribute__((preserve_access_index));

struct mm_struct___pre62 {
	struct mm_rss_stat___pre62 rss_stat;
} __attribute__((preserve_access_index));

static __always_inline long mm_counter(struct mm_struct *mm, int member)
{
	struct mm_struct___pre62 *old = (void *)mm;
	long v;

	if (bpf_core_field_exists(old->rss_stat))
		v = BPF_CORE_READ(old, rss_stat.count[member & 3].counter);
	else
		v = BPF_CORE_READ(mm, rss_stat[member & 3].count);
	return v > 0 ? v : 0;
}

/* Resident pages of mm (file, anon and shmem), as the kernel's get_mm_rss(); 0 without an mm. */
static __always_inline __u64 mm_rss_pages(struct mm_struct *mm)
{
	if (!mm)
		return 0;
	return mm_counter(mm, 0) + mm_counter(mm, 1) + mm_counter(mm, 3);
}

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Page-cache counters (cachestat, cachetop): what the BPF side counts
 * (include/bpf/pagecache.bpf.h), the choice of its hooks, and the arithmetic
 * that turns the counters into hits, misses and dirties.  The counter
 * enum is shared with the BPF side, so it uses no user-space types.
 */
#ifndef BPFSCOPE_PAGECACHE_H
#define BPFSCOPE_PAGECACHE_H

/* The counters, in pages except PC_BUF_DIRTIED (buffers). */
enum pc_counter {
	PC_ACCESSED,	/* pages accessed: folio_mark_accessed, or estimated from reads */
	PC_ADDED,	/* pages added to the page cache (mm_filemap_add_to_page_cache) */
	PC_DIRTIED,	/* pages that went from clean to dirty (writeback_dirty_folio) */
	PC_BUF_DIRTIED, /* mark_buffer_dirty calls (block_dirty_buffer) */
	PC_COUNTERS,
};

#ifndef __bpf__
#include <stdbool.h>
#include <stdint.h>

struct bpf_object;

/*
 * Choose the hooks of the programs include/bpf/pagecache.bpf.h defines in
 * obj (before load): accesses exactly (folio_mark_accessed, else
 * mark_page_accessed: fentry, else kprobe) or estimated from the read and
 * fault tracepoints (Linux 6.11+), the rest from their tracepoints.  Sets
 * *estimated.  Returns 0, or -1 after a one-line reason.
 */
int pagecache_choose_hooks(struct bpf_object *obj, bool *estimated);

/* cachestat's arithmetic (libbpf-tools'), of one interval's counters. */
struct pc_stat {
	uint64_t hits, misses, dirties;
	double ratio; /* hits per access, in percent; 0 without accesses */
};

/*
 * Exact accesses include the pages a write marks, which upstream takes back
 * with the dirtied buffers; estimated ones count reads and faults only.
 */
void pagecache_stat(const uint64_t n[PC_COUNTERS], bool estimated, struct pc_stat *out);

/* BCC cachetop's arithmetic, of one process's counters. */
struct pc_top {
	uint64_t hits, misses, dirties;
	double read_hit, write_hit; /* percent */
};

void pagecache_top(const uint64_t n[PC_COUNTERS], struct pc_top *out);

/* Buffers and Cached of /proc/meminfo, in KiB; 0, or -errno. */
int pagecache_meminfo(const char *path, uint64_t *buffers_kb, uint64_t *cached_kb);
#endif

#endif

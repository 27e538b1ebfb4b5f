/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The page cache as cachestat, cachetop and readahead see it.
 *
 * Helpers: folio_pages() (a folio's size in pages, across the folio layouts
 * of 5.16 to 6.18), mapping_last_page() and pc_read_range() (the pages of
 * the file one mm_filemap_get_pages reports).
 *
 * With PAGECACHE_COUNT defined, the counting programs too.  The tool then
 * defines, before including this file,
 *
 *	static __always_inline void pc_count(enum pc_counter c, __u64 n);
 *
 * called in the task that caused the event, filters already applied.  The
 * programs (lib/pagecache.c chooses among them):
 *	PC_ACCESSED     fentry/kprobe folio_mark_accessed or mark_page_accessed;
 *	                else tp_btf/raw_tp mm_filemap_get_pages + mm_filemap_fault
 *	PC_ADDED        tp_btf/raw_tp mm_filemap_add_to_page_cache
 *	PC_DIRTIED      tp_btf/raw_tp writeback_dirty_folio
 *	PC_BUF_DIRTIED  tp_btf/raw_tp block_dirty_buffer
 * Needs filter.bpf.h and include/pagecache.h included first.
 */
#ifndef BPFSCOPE_PAGECACHE_BPF_H
#define BPFSCOPE_PAGECACHE_BPF_H

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#define PC_PAGE_SHIFT 12

/* Linux 5.16 to 6.5 kept a large folio's order in its own byte of the second page. */
struct folio___pre66 {
	unsigned char _folio_order;
} __attribute__((preserve_access_index));

/*
 * Pages in a folio: 1 unless it is large (PG_head), then 1 << order, the
 * order in the low byte of _flags_1 from Linux 6.6 (_folio_order before).
 * The flags are the folio's (its first page's) first word on every kernel;
 * 6.17 made them a struct (memdesc_flags_t), so they are read by position,
 * not by a CO-RE field that changed type.
 */
static __always_inline __u64 folio_pages(struct folio *folio)
{
	unsigned long flags = 0, flags1 = 0;
	unsigned char order = 0;

	if (!folio)
		return 0;
	bpf_probe_read_kernel(&flags, sizeof(flags), folio);
	if (!(flags & (1UL << bpf_core_enum_value(enum pageflags, PG_head))))
		return 1;
	if (bpf_core_field_exists(struct folio___pre66, _folio_order)) {
		order = BPF_CORE_READ((struct folio___pre66 *)folio, _folio_order);
	} else if (bpf_core_field_exists(struct folio, _flags_1)) {
		flags1 = BPF_CORE_READ(folio, _flags_1);
		order = flags1 & 0xff;
	}
	return 1ULL << (order & 31);
}

/* The index of the last page of the file behind mapping; -1 when it is empty. */
static __always_inline __s64 mapping_last_page(struct address_space *mapping)
{
	__s64 size = BPF_CORE_READ(mapping, host, i_size);

	return size > 0 ? (size - 1) >> PC_PAGE_SHIFT : -1;
}

/*
 * mm_filemap_get_pages passes the read's first and last page (measured:
 * 6.12.117 and 6.18 report pages 0-1 for an 8 KiB read at 0; the tracepoint
 * as first merged in 6.11 passed one past the last, which counts a page more
 * per read where a kernel still has that).
 */

/* The page range one mm_filemap_get_pages reports, as [*first, *last] within the file. */
static __always_inline bool pc_read_range(struct address_space *mapping, __u64 index, __u64 last,
					  __u64 *first_out, __u64 *last_out)
{
	__s64 eof = mapping_last_page(mapping);

	if (eof < 0 || index > (__u64)eof)
		return false;
	*first_out = index;
	*last_out = last < (__u64)eof ? last : (__u64)eof;
	return true;
}

#ifdef PAGECACHE_COUNT

/*
 * A read(2) larger than a batch of folios calls filemap_get_pages again for
 * the rest, with the same last page: per thread, the read in progress, so
 * its pages count once.
 */
struct pc_read {
	struct address_space *mapping;
	__u64 index; /* where the previous call started */
	__u64 last;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct pc_read);
} pc_reads SEC(".maps");

/* Pages a read newly asked for: its whole range at its first call, 0 at the calls that go on. */
static __always_inline __u64 pc_read_pages(struct address_space *mapping, __u64 index, __u64 last)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct pc_read *r = bpf_map_lookup_elem(&pc_reads, &tid);
	struct pc_read now = { mapping, index, last };
	__u64 first, end;

	if (r && r->mapping == mapping && r->last == last && index > r->index && index <= last) {
		r->index = index;
		return 0;
	}
	bpf_map_update_elem(&pc_reads, &tid, &now, BPF_ANY);
	if (!pc_read_range(mapping, index, last, &first, &end))
		return 0;
	return end - first + 1;
}

static __always_inline int pc_on(enum pc_counter c, __u64 n)
{
	if (n && filter_current())
		pc_count(c, n);
	return 0;
}

static __always_inline int pc_on_folio(enum pc_counter c, struct folio *folio)
{
	if (!filter_current())
		return 0;
	pc_count(c, folio_pages(folio));
	return 0;
}

/* --- PC_ACCESSED, exactly --- */

SEC("fentry/folio_mark_accessed")
int BPF_PROG(folio_mark_accessed_fentry, struct folio *folio)
{
	return pc_on_folio(PC_ACCESSED, folio);
}

SEC("kprobe/folio_mark_accessed")
int BPF_KPROBE(folio_mark_accessed_kprobe, struct folio *folio)
{
	return pc_on_folio(PC_ACCESSED, folio);
}

/* Before Linux 5.16 (no folios): a page at a time. */
SEC("fentry/mark_page_accessed")
int BPF_PROG(mark_page_accessed_fentry)
{
	return pc_on(PC_ACCESSED, 1);
}

SEC("kprobe/mark_page_accessed")
int BPF_KPROBE(mark_page_accessed_kprobe)
{
	return pc_on(PC_ACCESSED, 1);
}

/* --- PC_ACCESSED, estimated: the pages reads ask for, and page faults --- */

static __always_inline int pc_on_get_pages(struct address_space *mapping, __u64 index, __u64 last)
{
	if (!filter_current())
		return 0;
	pc_count(PC_ACCESSED, pc_read_pages(mapping, index, last));
	return 0;
}

SEC("tp_btf/mm_filemap_get_pages")
int BPF_PROG(mm_filemap_get_pages_btf, struct address_space *mapping, unsigned long index,
	     unsigned long last)
{
	return pc_on_get_pages(mapping, index, last);
}

SEC("raw_tp/mm_filemap_get_pages")
int BPF_PROG(mm_filemap_get_pages_raw, struct address_space *mapping, unsigned long index,
	     unsigned long last)
{
	return pc_on_get_pages(mapping, index, last);
}

SEC("tp_btf/mm_filemap_fault")
int BPF_PROG(mm_filemap_fault_btf)
{
	return pc_on(PC_ACCESSED, 1);
}

SEC("raw_tp/mm_filemap_fault")
int BPF_PROG(mm_filemap_fault_raw)
{
	return pc_on(PC_ACCESSED, 1);
}

/* --- PC_ADDED, PC_DIRTIED, PC_BUF_DIRTIED --- */

SEC("tp_btf/mm_filemap_add_to_page_cache")
int BPF_PROG(mm_filemap_add_to_page_cache_btf, struct folio *folio)
{
	return pc_on_folio(PC_ADDED, folio);
}

SEC("raw_tp/mm_filemap_add_to_page_cache")
int BPF_PROG(mm_filemap_add_to_page_cache_raw, struct folio *folio)
{
	return pc_on_folio(PC_ADDED, folio);
}

/* Fired where a folio goes from clean to dirty (folio_account_dirtied, inlined). */
SEC("tp_btf/writeback_dirty_folio")
int BPF_PROG(writeback_dirty_folio_btf, struct folio *folio)
{
	return pc_on_folio(PC_DIRTIED, folio);
}

SEC("raw_tp/writeback_dirty_folio")
int BPF_PROG(writeback_dirty_folio_raw, struct folio *folio)
{
	return pc_on_folio(PC_DIRTIED, folio);
}

/* Fired first thing in mark_buffer_dirty, so at every call of it. */
SEC("tp_btf/block_dirty_buffer")
int BPF_PROG(block_dirty_buffer_btf)
{
	return pc_on(PC_BUF_DIRTIED, 1);
}

SEC("raw_tp/block_dirty_buffer")
int BPF_PROG(block_dirty_buffer_raw)
{
	return pc_on(PC_BUF_DIRTIED, 1);
}

#endif /* PAGECACHE_COUNT */

#endif

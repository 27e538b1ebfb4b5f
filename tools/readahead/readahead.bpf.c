// SPDX-License-Identifier: GPL-2.0
/*
 * readahead: pages the kernel reads ahead, how many are never used, and the
 * time from reading one ahead to its first access.
 *
 * Exactly (fentry/fexit, else kprobe/kretprobe): the folios
 * filemap_alloc_folio allocates while page_cache_ra_unbounded or
 * page_cache_ra_order runs, and folio_mark_accessed of each.  Else (Linux
 * 6.18 tracepoints): the folios mm_filemap_add_to_page_cache adds in the
 * window a readahead tracepoint announced for that thread and file, and the
 * first read (mm_filemap_get_pages) or fault (mm_filemap_fault) of a page of
 * one, matched by file and page index.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/bits.bpf.h"
#include "bpf/filter.bpf.h"
#include "bpf/missed.bpf.h"
#include "bpf/pagecache.bpf.h"
#include "readahead.h"

#define MAX_ENTRIES 65536
#define MAX_ORDER   10 /* folio orders looked for, 0 to 9 (2 MiB) */
#define WALK_PAGES  32 /* pages of one read walked for first accesses */

const volatile bool in_msecs = false;

struct ra_stats stats = {};

/* A folio read ahead: the folio (exactly), or its file and first page index. */
struct birth_key {
	__u64 a;
	__u64 b;
};

struct birth {
	__u64 ts;
	__u64 pages;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, struct birth_key);
	__type(value, struct birth);
} births SEC(".maps");

/* Exactly: threads inside a readahead function (a count: they nest). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, __u32);
	__type(value, __u64);
} in_ra SEC(".maps");

/* kprobe: the order filemap_alloc_folio was asked for, until it returns. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, __u32);
	__type(value, __u64);
} alloc_order SEC(".maps");

/* Tracepoints: the last readahead window a thread announced. */
struct window {
	struct address_space *mapping;
	__u64 start, end; /* pages [start, end) */
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, __u32);
	__type(value, struct window);
} windows SEC(".maps");

static __always_inline __u32 current_tid(void)
{
	return (__u32)bpf_get_current_pid_tgid();
}

static __always_inline void born(struct birth_key *key, __u64 pages)
{
	struct birth b = { bpf_ktime_get_ns(), pages };

	if (bpf_map_update_elem(&births, key, &b, BPF_ANY)) {
		count_missed();
		return;
	}
	__sync_fetch_and_add(&stats.total, pages);
	__sync_fetch_and_add(&stats.unused, pages);
}

/* The first access of a folio read ahead: its age into the histogram. */
static __always_inline void first_access(struct birth_key *key, struct birth *b)
{
	__u64 delta = bpf_ktime_get_ns() - b->ts;
	__u64 slot;

	delta /= in_msecs ? 1000000 : 1000;
	slot = log2_slot(delta, MAX_SLOTS - 1);
	if (slot < MAX_SLOTS)
		__sync_fetch_and_add(&stats.slots[slot], 1);
	__sync_fetch_and_add(&stats.unused, -(__s64)b->pages);
	bpf_map_delete_elem(&births, key);
}

/* --- exactly: fentry/fexit, else kprobe/kretprobe --- */

static __always_inline int ra_enter(void)
{
	__u32 tid = current_tid();
	__u64 one = 1, *n;

	if (!filter_current())
		return 0;
	n = bpf_map_lookup_elem(&in_ra, &tid);
	if (n)
		*n += 1;
	else
		bpf_map_update_elem(&in_ra, &tid, &one, BPF_ANY);
	return 0;
}

static __always_inline int ra_exit(void)
{
	__u32 tid = current_tid();
	__u64 *n = bpf_map_lookup_elem(&in_ra, &tid);

	if (n && *n > 1)
		*n -= 1;
	else if (n)
		bpf_map_delete_elem(&in_ra, &tid);
	return 0;
}

static __always_inline int on_alloc(struct folio *folio, __u64 order)
{
	__u32 tid = current_tid();
	struct birth_key key = { (__u64)folio, 0 };

	if (!folio || !bpf_map_lookup_elem(&in_ra, &tid))
		return 0;
	born(&key, 1ULL << (order & 31));
	return 0;
}

#define S_IFMT	00170000
#define S_IFBLK 0060000

/*
 * A file system may read its metadata (an extent block) through the block
 * device's page cache while readahead runs: that folio was allocated inside
 * the readahead function but is not read-ahead file data, so it is taken
 * back from the totals at its first access (buffer reads mark it at once).
 */
static __always_inline bool folio_of_bdev(struct folio *folio)
{
	return (BPF_CORE_READ(folio, mapping, host, i_mode) & S_IFMT) == S_IFBLK;
}

static __always_inline int on_folio_accessed(struct folio *folio)
{
	struct birth_key key = { (__u64)folio, 0 };
	struct birth *b = bpf_map_lookup_elem(&births, &key);

	if (!b)
		return 0;
	if (folio_of_bdev(folio)) {
		__sync_fetch_and_add(&stats.total, -b->pages);
		__sync_fetch_and_add(&stats.unused, -(__s64)b->pages);
		bpf_map_delete_elem(&births, &key);
		return 0;
	}
	first_access(&key, b);
	return 0;
}

#define RA_FUNC(func)                       \
	SEC("fentry/" #func)                \
	int BPF_PROG(func##_fentry)         \
	{                                   \
		return ra_enter();          \
	}                                   \
	SEC("fexit/" #func)                 \
	int BPF_PROG(func##_fexit)          \
	{                                   \
		return ra_exit();           \
	}                                   \
	SEC("kprobe/" #func)                \
	int BPF_KPROBE(func##_kprobe)       \
	{                                   \
		return ra_enter();          \
	}                                   \
	SEC("kretprobe/" #func)             \
	int BPF_KRETPROBE(func##_kretprobe) \
	{                                   \
		return ra_exit();           \
	}

RA_FUNC(page_cache_ra_unbounded)
RA_FUNC(page_cache_ra_order)

/*
 * filemap_alloc_folio(gfp, order): renamed *_noprof in Linux 6.10; later
 * kernels may add arguments after order, so the return value is read with
 * bpf_get_func_ret rather than from a fixed position.
 */
static __always_inline int on_alloc_fexit(void *ctx)
{
	__u64 order = 0, ret = 0;

	bpf_get_func_arg(ctx, 1, &order);
	bpf_get_func_ret(ctx, &ret);
	return on_alloc((struct folio *)ret, order);
}

static __always_inline int on_alloc_kprobe(unsigned int order)
{
	__u32 tid = current_tid();
	__u64 o = order;

	if (bpf_map_lookup_elem(&in_ra, &tid))
		bpf_map_update_elem(&alloc_order, &tid, &o, BPF_ANY);
	return 0;
}

static __always_inline int on_alloc_kretprobe(struct folio *folio)
{
	__u32 tid = current_tid();
	__u64 *o = bpf_map_lookup_elem(&alloc_order, &tid);
	__u64 order;

	if (!o)
		return 0;
	order = *o;
	bpf_map_delete_elem(&alloc_order, &tid);
	return on_alloc(folio, order);
}

#define ALLOC_FUNC(func)                                             \
	SEC("fexit/" #func)                                          \
	int func##_fexit(void *ctx)                                  \
	{                                                            \
		return on_alloc_fexit(ctx);                          \
	}                                                            \
	SEC("kprobe/" #func)                                         \
	int BPF_KPROBE(func##_kprobe, gfp_t gfp, unsigned int order) \
	{                                                            \
		return on_alloc_kprobe(order);                       \
	}                                                            \
	SEC("kretprobe/" #func)                                      \
	int BPF_KRETPROBE(func##_kretprobe, struct folio *ret)       \
	{                                                            \
		return on_alloc_kretprobe(ret);                      \
	}

ALLOC_FUNC(filemap_alloc_folio_noprof)
ALLOC_FUNC(filemap_alloc_folio)

SEC("fentry/folio_mark_accessed")
int BPF_PROG(folio_mark_accessed_fentry, struct folio *folio)
{
	return on_folio_accessed(folio);
}

SEC("kprobe/folio_mark_accessed")
int BPF_KPROBE(folio_mark_accessed_kprobe, struct folio *folio)
{
	return on_folio_accessed(folio);
}

/* --- the tracepoints (Linux 6.18) --- */

static __always_inline int on_window(struct inode *inode, __u64 start, __u64 end)
{
	struct window w = { BPF_CORE_READ(inode, i_mapping), start, end };
	__u32 tid = current_tid();

	if (filter_current())
		bpf_map_update_elem(&windows, &tid, &w, BPF_ANY);
	return 0;
}

SEC("tp_btf/page_cache_ra_unbounded")
int BPF_PROG(page_cache_ra_unbounded_btf, struct inode *inode, unsigned long index,
	     unsigned long nr_to_read)
{
	return on_window(inode, index, index + nr_to_read);
}

SEC("raw_tp/page_cache_ra_unbounded")
int BPF_PROG(page_cache_ra_unbounded_raw, struct inode *inode, unsigned long index,
	     unsigned long nr_to_read)
{
	return on_window(inode, index, index + nr_to_read);
}

static __always_inline int on_ra_order(struct inode *inode, __u64 index, struct file_ra_state *ra)
{
	__u64 start = BPF_CORE_READ(ra, start);

	return on_window(inode, index < start ? index : start, start + BPF_CORE_READ(ra, size));
}

SEC("tp_btf/page_cache_ra_order")
int BPF_PROG(page_cache_ra_order_btf, struct inode *inode, unsigned long index,
	     struct file_ra_state *ra)
{
	return on_ra_order(inode, index, ra);
}

SEC("raw_tp/page_cache_ra_order")
int BPF_PROG(page_cache_ra_order_raw, struct inode *inode, unsigned long index,
	     struct file_ra_state *ra)
{
	return on_ra_order(inode, index, ra);
}

/* A folio added inside the window its thread announced was read ahead. */
static __always_inline int on_add(struct folio *folio)
{
	__u32 tid = current_tid();
	struct window *w = bpf_map_lookup_elem(&windows, &tid);
	struct birth_key key;

	if (!w)
		return 0;
	key.a = (__u64)BPF_CORE_READ(folio, mapping);
	key.b = BPF_CORE_READ(folio, index);
	if (key.a != (__u64)w->mapping || key.b < w->start || key.b >= w->end)
		return 0;
	born(&key, folio_pages(folio));
	return 0;
}

SEC("tp_btf/mm_filemap_add_to_page_cache")
int BPF_PROG(mm_filemap_add_to_page_cache_btf, struct folio *folio)
{
	return on_add(folio);
}

SEC("raw_tp/mm_filemap_add_to_page_cache")
int BPF_PROG(mm_filemap_add_to_page_cache_raw, struct folio *folio)
{
	return on_add(folio);
}

/*
 * Page p of a file was accessed: the folio holding it starts at p rounded
 * down to its size (page cache folios are aligned to their size), so try
 * each order.  Returns the page after that folio, or p + 1.
 */
static __always_inline __u64 page_accessed(__u64 mapping, __u64 p)
{
	struct birth_key key = { mapping, 0 };
	struct birth *b;
	__u64 pages;
	int o;

	for (o = 0; o < MAX_ORDER; o++) {
		key.b = p & ~((1ULL << o) - 1);
		b = bpf_map_lookup_elem(&births, &key);
		if (!b)
			continue;
		pages = b->pages;
		if (key.b + pages <= p)
			continue;
		first_access(&key, b);
		return key.b + pages;
	}
	return p + 1;
}

static __always_inline int on_read(struct address_space *mapping, __u64 index, __u64 last)
{
	__u64 p, end;
	int i;

	if (!pc_read_range(mapping, index, last, &p, &end))
		return 0;
	for (i = 0; i < WALK_PAGES && p <= end; i++)
		p = page_accessed((__u64)mapping, p);
	return 0;
}

SEC("tp_btf/mm_filemap_get_pages")
int BPF_PROG(mm_filemap_get_pages_btf, struct address_space *mapping, unsigned long index,
	     unsigned long last)
{
	return on_read(mapping, index, last);
}

SEC("raw_tp/mm_filemap_get_pages")
int BPF_PROG(mm_filemap_get_pages_raw, struct address_space *mapping, unsigned long index,
	     unsigned long last)
{
	return on_read(mapping, index, last);
}

SEC("tp_btf/mm_filemap_fault")
int BPF_PROG(mm_filemap_fault_btf, struct address_space *mapping, unsigned long index)
{
	page_accessed((__u64)mapping, index);
	return 0;
}

SEC("raw_tp/mm_filemap_fault")
int BPF_PROG(mm_filemap_fault_raw, struct address_space *mapping, unsigned long index)
{
	page_accessed((__u64)mapping, index);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

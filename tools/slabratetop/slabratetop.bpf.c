// SPDX-License-Identifier: GPL-2.0
/*
 * slabratetop: allocations from each kmem cache, counted per cache in the
 * kernel.  kmem:kmem_cache_alloc passes the cache (Linux 6.1 on); older
 * kernels take the allocation functions (fentry, else kprobe).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/filter.bpf.h"
#include "bpf/maps.bpf.h"
#include "bpf/missed.bpf.h"
#include "slabratetop.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_CACHES);
	__type(key, __u64);
	__type(value, struct cache_stat);
} caches SEC(".maps");

static const struct cache_stat zero_stat;

static __always_inline struct cache_stat *stat_for(__u64 id)
{
	struct cache_stat *c = map_lookup_or_init(&caches, &id, &zero_stat);

	if (!c)
		count_missed(); /* more caches than MAX_CACHES in an interval */
	return c;
}

static __always_inline void count(struct cache_stat *c, __u64 size)
{
	__sync_fetch_and_add(&c->allocs, 1);
	__sync_fetch_and_add(&c->bytes, size);
}

/* An allocation from cache s; size: s->size, read by the caller the cheapest way. */
static __always_inline int on_alloc(struct kmem_cache *s, __u64 size)
{
	struct cache_stat *c;

	if (!s || !filter_current())
		return 0;
	c = stat_for((__u64)s);
	if (!c)
		return 0;
	/* Named once per interval: the entry is drained, then made anew. */
	if (!c->name[0])
		bpf_probe_read_kernel_str(c->name, sizeof(c->name), BPF_CORE_READ(s, name));
	count(c, size);
	return 0;
}

static __always_inline int on_alloc_core(struct kmem_cache *s)
{
	return on_alloc(s, BPF_CORE_READ(s, size));
}

/* FNV-1a over the NUL-padded name: the classic tracepoint's key. */
static __always_inline __u64 name_hash(const char *name)
{
	__u64 h = 0xcbf29ce484222325ULL;
	int i;

	for (i = 0; i < CACHE_NAME_LEN; i++) {
		h ^= (__u8)name[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

SEC("tp_btf/kmem_cache_alloc")
int BPF_PROG(kmem_cache_alloc_btf, unsigned long call_site, const void *ptr, struct kmem_cache *s)
{
	return on_alloc(s, s->size);
}

SEC("raw_tp/kmem_cache_alloc")
int BPF_PROG(kmem_cache_alloc_raw, unsigned long call_site, const void *ptr, struct kmem_cache *s)
{
	return on_alloc_core(s);
}

SEC("tracepoint/kmem/kmem_cache_alloc")
int kmem_cache_alloc_tp(struct trace_event_raw_kmem_cache_alloc *ctx)
{
	char name[CACHE_NAME_LEN] = {};
	struct cache_stat *c;
	__u32 loc;

	if (!filter_current())
		return 0;
	loc = BPF_CORE_READ(ctx, __data_loc_name);
	bpf_probe_read_kernel_str(name, sizeof(name), (void *)ctx + (loc & 0xffff));
	c = stat_for(name_hash(name));
	if (!c)
		return 0;
	if (!c->name[0])
		__builtin_memcpy(c->name, name, sizeof(name));
	count(c, BPF_CORE_READ(ctx, bytes_alloc));
	return 0;
}

/*
 * Without the cache on the tracepoint: the functions that allocate from a
 * cache, each with the cache first (named *_noprof from Linux 6.10).
 */
#define ALLOC_FUNC(func)                                    \
	SEC("fentry/" #func)                                \
	int BPF_PROG(func##_fentry, struct kmem_cache *s)   \
	{                                                   \
		return on_alloc_core(s);                    \
	}                                                   \
	SEC("kprobe/" #func)                                \
	int BPF_KPROBE(func##_kprobe, struct kmem_cache *s) \
	{                                                   \
		return on_alloc_core(s);                    \
	}

ALLOC_FUNC(kmem_cache_alloc_noprof)
ALLOC_FUNC(kmem_cache_alloc)
ALLOC_FUNC(kmem_cache_alloc_lru_noprof)
ALLOC_FUNC(kmem_cache_alloc_lru)
ALLOC_FUNC(kmem_cache_alloc_node_noprof)
ALLOC_FUNC(kmem_cache_alloc_node)

char LICENSE[] SEC("license") = "GPL";

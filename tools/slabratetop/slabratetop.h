/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SLABRATETOP_H
#define SLABRATETOP_H

#define CACHE_NAME_LEN                                                                          \
	64		/* kmem_cache names are short ("sock_inode_cache"); longer ones are cut \
			 */
#define MAX_CACHES 4096 /* caches allocated from in one interval, at most */

/*
 * Per cache, drained by user space each interval.  The key is the cache's
 * struct kmem_cache address, or on the classic tracepoint (which carries only
 * the name) a hash of the name.
 */
struct cache_stat {
	__u64 allocs;
	__u64 bytes; /* allocs times the cache's object size (kmem_cache.size) */
	char name[CACHE_NAME_LEN];
};

#endif

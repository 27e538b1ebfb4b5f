/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The dynamic loader's cache (/etc/ld.so.cache, ldconfig's "glibc-ld.so.cache"
 * format, alone or after the old "ld.so-1.7.0" table): which file a library
 * name stands for.  The parser takes the cache as bytes and trusts none of
 * them (a container's cache is its own); tests/fuzz/fuzz_ldcache.c covers it.
 */
#ifndef BPFSCOPE_LDCACHE_H
#define BPFSCOPE_LDCACHE_H

#include <stddef.h>

#define LDCACHE_MAX (16U << 20) /* a larger cache is not read */

/*
 * Call fn with the path of each entry whose name matches: the name itself
 * ("libc.so.6"), or its start followed by ".so" ("libc" and "c" both match
 * "libc.so.6").  Entries come in the cache's order (ldconfig puts the
 * preferred first).  Stops when fn returns non-zero and returns that; 0 when
 * every match was seen, -EINVAL when buf is no cache.
 */
typedef int (*ldcache_fn)(void *ctx, const char *path);
int ldcache_lookup(const char *buf, size_t len, const char *name, ldcache_fn fn, void *ctx);

#endif

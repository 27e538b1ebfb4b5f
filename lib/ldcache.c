// SPDX-License-Identifier: GPL-2.0
/* The dynamic loader's cache: see include/ldcache.h. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "ldcache.h"

#define OLD_MAGIC     "ld.so-1.7.0"
#define NEW_MAGIC     "glibc-ld.so.cache1.1"
#define OLD_HEADER    16 /* magic (11), padding, nlibs */
#define OLD_ENTRY     12 /* flags, key, value */
#define NEW_HEADER    48 /* magic and version (20), nlibs, len_strings, flags, extensions */
#define NEW_ENTRY     24 /* flags, key, value, osversion, hwcap */
#define NEW_ALIGNMENT 8

static uint32_t get32(const char *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* The NUL-terminated string at off in buf, or NULL. */
static const char *string_at(const char *buf, size_t len, uint32_t off)
{
	if (off >= len || !memchr(buf + off, '\0', len - off))
		return NULL;
	return buf + off;
}

static int name_matches(const char *key, const char *name)
{
	size_t n = strlen(name);

	if (!strcmp(key, name))
		return 1;
	if (!strncmp(key, name, n) && !strncmp(key + n, ".so", 3))
		return 1;
	return !strncmp(key, "lib", 3) && !strncmp(key + 3, name, n) &&
	       !strncmp(key + 3 + n, ".so", 3);
}

/* Where the new table starts: 0, or after the old one; -1 if neither fits. */
static long new_table(const char *buf, size_t len)
{
	uint64_t off;

	if (len >= sizeof(NEW_MAGIC) - 1 && !memcmp(buf, NEW_MAGIC, sizeof(NEW_MAGIC) - 1))
		return 0;
	if (len < OLD_HEADER || memcmp(buf, OLD_MAGIC, sizeof(OLD_MAGIC) - 1))
		return -1;
	off = OLD_HEADER + (uint64_t)get32(buf + 12) * OLD_ENTRY;
	off = (off + NEW_ALIGNMENT - 1) & ~(uint64_t)(NEW_ALIGNMENT - 1);
	if (off > len || len - off < sizeof(NEW_MAGIC) - 1 ||
	    memcmp(buf + off, NEW_MAGIC, sizeof(NEW_MAGIC) - 1))
		return -1;
	return (long)off;
}

int ldcache_lookup(const char *buf, size_t len, const char *name, ldcache_fn fn, void *ctx)
{
	const char *table, *e, *key, *path;
	size_t tlen;
	uint64_t i, n;
	long start = new_table(buf, len);
	int ret;

	if (start < 0 || len - start < NEW_HEADER)
		return -EINVAL;
	table = buf + start;
	tlen = len - start;
	n = get32(table + 20);
	if (n > (tlen - NEW_HEADER) / NEW_ENTRY)
		return -EINVAL;
	/* String offsets count from the start of the new table. */
	for (i = 0; i < n; i++) {
		e = table + NEW_HEADER + i * NEW_ENTRY;
		key = string_at(table, tlen, get32(e + 4));
		path = string_at(table, tlen, get32(e + 8));
		if (!key || !path || !name_matches(key, name) || path[0] != '/')
			continue;
		ret = fn(ctx, path);
		if (ret)
			return ret;
	}
	return 0;
}

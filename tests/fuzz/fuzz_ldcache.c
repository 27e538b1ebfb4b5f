// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the dynamic loader's cache as lib/uprobes.c reads a
 * container's /etc/ld.so.cache, looked up by a name taken from the input.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ldcache.h"

static int check_path(void *ctx, const char *path)
{
	(void)ctx;
	if (path[0] != '/')
		abort();
	return strlen(path) > 4096 ? 1 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char name[16] = "c";
	size_t n;

	/* A first byte below 12 is the length of the name that follows. */
	if (size > 0 && data[0] < 12 && size > 1u + data[0]) {
		n = data[0];
		memcpy(name, data + 1, n);
		name[n] = '\0';
		data += 1 + n;
		size -= 1 + n;
	}
	ldcache_lookup((const char *)data, size, name, check_path, NULL);
	return 0;
}

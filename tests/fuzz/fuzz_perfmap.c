// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: a perf map as lib/usyms.c reads one a traced process
 * wrote, in two reads (the process appends between them), then looked up.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "perfmap.h"

static void parse_part(struct symtab *t, char **old_pools, size_t *nold, const char *buf,
		       size_t len, size_t *parsed)
{
	char *old;

	if (symtab_reserve_strs(t, len, &old))
		return;
	if (old)
		old_pools[(*nold)++] = old;
	*parsed += perfmap_parse(t, buf, len);
	symtab_finish(t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *buf = (const char *)data;
	struct symtab t = { 0 };
	char *old_pools[4];
	size_t nold = 0, parsed = 0, i;
	const struct symbol *s;

	parse_part(&t, old_pools, &nold, buf, size / 2, &parsed);
	parse_part(&t, old_pools, &nold, buf + parsed, size - parsed, &parsed);
	if (parsed > size)
		abort();
	for (i = 0; i < t.n; i++) {
		s = symtab_find(&t, t.syms[i].addr + t.syms[i].size / 2);
		if (s && (s->name >= t.strs_len || strlen(t.strs + s->name) > PERFMAP_NAME_MAX))
			abort();
	}
	for (i = 0; i < nold; i++)
		free(old_pools[i]);
	symtab_free(&t);
	return 0;
}

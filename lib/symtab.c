// SPDX-License-Identifier: GPL-2.0
/* Symbol tables sorted by address with one string pool; see include/symtab.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "symtab.h"

int symtab_reserve(struct symtab *t, size_t n)
{
	struct symbol *s;
	size_t cap;

	if (t->n + n <= t->cap)
		return 0;
	cap = t->cap ? t->cap * 2 : 1024;
	while (cap < t->n + n)
		cap *= 2;
	s = realloc(t->syms, cap * sizeof(*s));
	if (!s)
		return -ENOMEM;
	t->syms = s;
	t->cap = cap;
	return 0;
}

int64_t symtab_add_str(struct symtab *t, const char *s, size_t len)
{
	size_t off = t->strs_len, cap;
	char *p;

	if (off + len + 1 > UINT32_MAX)
		return -1;
	if (off + len + 1 > t->strs_cap) {
		cap = t->strs_cap ? t->strs_cap * 2 : 64 * 1024;
		while (cap < off + len + 1)
			cap *= 2;
		p = realloc(t->strs, cap);
		if (!p)
			return -1;
		t->strs = p;
		t->strs_cap = cap;
	}
	memcpy(t->strs + off, s, len);
	t->strs[off + len] = '\0';
	t->strs_len = off + len + 1;
	return off;
}

int symtab_reserve_strs(struct symtab *t, size_t n, char **old)
{
	size_t need = t->strs_len + n, cap;
	char *p;

	*old = NULL;
	if (need <= t->strs_cap)
		return 0;
	if (need > UINT32_MAX)
		return -E2BIG;
	cap = t->strs_cap ? t->strs_cap * 2 : 64 * 1024;
	while (cap < need)
		cap *= 2;
	p = malloc(cap);
	if (!p)
		return -ENOMEM;
	if (t->strs_len)
		memcpy(p, t->strs, t->strs_len);
	*old = t->strs;
	t->strs = p;
	t->strs_cap = cap;
	return 0;
}

static int symbol_cmp(const void *a, const void *b)
{
	const struct symbol *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->rank != y->rank)
		return x->rank > y->rank ? -1 : 1;
	/* Deterministic, and in a perf map the later line (newer code) wins. */
	return x->name > y->name ? -1 : x->name < y->name;
}

void symtab_sort(struct symtab *t)
{
	if (t->n)
		qsort(t->syms, t->n, sizeof(*t->syms), symbol_cmp);
}

void symtab_finish(struct symtab *t)
{
	size_t i, out = 0;

	if (!t->n)
		return;
	qsort(t->syms, t->n, sizeof(*t->syms), symbol_cmp);
	for (i = 0; i < t->n; i++) {
		if (out && t->syms[out - 1].addr == t->syms[i].addr)
			continue;
		t->syms[out++] = t->syms[i];
	}
	t->n = out;
}

const struct symbol *symtab_find(const struct symtab *t, uint64_t addr)
{
	size_t lo = 0, hi = t->n;
	const struct symbol *s;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	s = &t->syms[lo - 1];
	if (s->size && addr - s->addr >= s->size)
		return NULL;
	return s;
}

void symtab_free(struct symtab *t)
{
	free(t->syms);
	free(t->strs);
	memset(t, 0, sizeof(*t));
}

unsigned int symbol_underscores(const char *name)
{
	unsigned int n = 0;

	while (name[n] == '_' && n < 3)
		n++;
	return n;
}

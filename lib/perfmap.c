// SPDX-License-Identifier: GPL-2.0
/* Perf map lines; see include/perfmap.h. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "perfmap.h"

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A hex number at *p, before end; *p moves past it.  False if none or too large. */
static bool parse_hex(const char **p, const char *end, uint64_t *val)
{
	const char *s = *p;
	uint64_t v = 0;
	int d, n = 0;

	if (end - s > 2 && s[0] == '0' && (s[1] | 0x20) == 'x')
		s += 2;
	for (; s < end && (d = hex_digit(*s)) >= 0; s++, n++) {
		if (v >> 60)
			return false;
		v = v << 4 | d;
	}
	*p = s;
	*val = v;
	return n > 0;
}

static bool parse_blanks(const char **p, const char *end)
{
	const char *s = *p;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	if (s == *p)
		return false;
	*p = s;
	return true;
}

static void parse_line(struct symtab *t, const char *p, const char *end)
{
	uint64_t start, size;
	struct symbol *s;
	const char *nul;
	int64_t off;

	if (!parse_hex(&p, end, &start) || !parse_blanks(&p, end) || !parse_hex(&p, end, &size) ||
	    !parse_blanks(&p, end))
		return;
	nul = memchr(p, '\0', end - p);
	if (nul)
		end = nul;
	if (end - p > PERFMAP_NAME_MAX)
		end = p + PERFMAP_NAME_MAX;
	if (end == p || symtab_reserve(t, 1))
		return;
	off = symtab_add_str(t, p, end - p);
	if (off < 0)
		return;
	s = &t->syms[t->n++];
	s->addr = start;
	s->size = size > UINT32_MAX ? UINT32_MAX : size;
	s->name = off;
	s->aux = 0;
	s->rank = 0;
}

size_t perfmap_parse(struct symtab *t, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len, *nl;

	while (p < end && (nl = memchr(p, '\n', end - p))) {
		parse_line(t, p, nl);
		p = nl + 1;
	}
	return p - buf;
}

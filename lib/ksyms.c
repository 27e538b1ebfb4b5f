// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel symbols: /proc/kallsyms, parsed on first use into one table sorted
 * by address.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ksyms.h"

struct ksyms {
	bool loaded;
	struct symtab tab;
	char **modules;
	size_t nmodules;
};

struct ksyms *ksyms_load(void)
{
	return calloc(1, sizeof(struct ksyms));
}

static int ksyms_module_index(struct ksyms *ks, const char *name, size_t len)
{
	char **m;

	/* kallsyms lists a module's symbols together: check the last one first. */
	for (size_t i = ks->nmodules; i-- > 0;) {
		if (!strncmp(ks->modules[i], name, len) && !ks->modules[i][len])
			return i + 1;
	}
	if (ks->nmodules >= UINT16_MAX - 1)
		return 0;
	m = realloc(ks->modules, (ks->nmodules + 1) * sizeof(*m));
	if (!m)
		return 0;
	ks->modules = m;
	m[ks->nmodules] = strndup(name, len);
	if (!m[ks->nmodules])
		return 0;
	return ++ks->nmodules;
}

/* Text beats data, global beats local, then fewer leading underscores. */
static uint8_t ksym_rank(char type, const char *name)
{
	uint8_t r = 0;

	if (type == 'T' || type == 't')
		r += 8;
	if (isupper((unsigned char)type))
		r += 4;
	return r + 3 - symbol_underscores(name);
}

/* One line: "ffffffff81000000 T _text" or "... t name\t[module]". */
static int ksyms_parse_line(struct ksyms *ks, char *line)
{
	char *p, *name, *mod = NULL, *end;
	struct symbol *s;
	uint64_t addr;
	int64_t off;
	char type;

	addr = strtoull(line, &p, 16);
	if (*p != ' ' || !p[1] || p[2] != ' ')
		return 0;
	type = p[1];
	name = p + 3;
	end = strchr(name, '\t');
	if (end) {
		*end = '\0';
		mod = strchr(end + 1, '[');
	} else {
		end = name + strcspn(name, "\n");
		*end = '\0';
	}
	if (symtab_reserve(&ks->tab, 1))
		return -ENOMEM;
	off = symtab_add_str(&ks->tab, name, end - name);
	if (off < 0)
		return -ENOMEM;
	s = &ks->tab.syms[ks->tab.n++];
	s->addr = addr;
	s->size = 0;
	s->name = off;
	s->rank = ksym_rank(type, name);
	s->aux = 0;
	if (mod)
		s->aux = ksyms_module_index(ks, mod + 1, strcspn(mod + 1, "]"));
	return 0;
}

static void ksyms_parse(struct ksyms *ks)
{
	char *line = NULL;
	size_t cap = 0;
	FILE *f;

	ks->loaded = true;
	f = fopen("/proc/kallsyms", "re");
	if (!f)
		return;
	/* A large buffer: kallsyms is generated a page per read otherwise. */
	setvbuf(f, NULL, _IOFBF, 256 * 1024);
	while (getline(&line, &cap, f) > 0) {
		if (ksyms_parse_line(ks, line))
			break;
	}
	free(line);
	fclose(f);
	symtab_finish(&ks->tab);
	/* kptr_restrict hides every address as 0: nothing can be resolved. */
	if (ks->tab.n && ks->tab.syms[ks->tab.n - 1].addr == 0)
		ks->tab.n = 0;
}

/*
 * Parsing waits for the first lookup.  The handle is only ever allocated
 * writable by ksyms_load, so filling it in behind a const pointer is sound.
 */
static struct ksyms *ksyms_ready(const struct ksyms *cks)
{
	struct ksyms *ks = (struct ksyms *)cks;

	if (ks && !ks->loaded)
		ksyms_parse(ks);
	return ks;
}

bool ksyms_resolve(const struct ksyms *cks, uint64_t addr, struct sym *out)
{
	struct ksyms *ks = ksyms_ready(cks);
	const struct symbol *s;

	memset(out, 0, sizeof(*out));
	if (!ks)
		return false;
	s = symtab_find(&ks->tab, addr);
	if (!s)
		return false;
	out->name = ks->tab.strs + s->name;
	out->offset = addr - s->addr;
	out->module = s->aux ? ks->modules[s->aux - 1] : NULL;
	return true;
}

/*
 * Linear: callers look up a handful of names once, and a name index would
 * cost more to build than the scans it saves.  Duplicates removed by address
 * are gone, so re-read the file if the name is not among the kept ones.
 */
uint64_t ksyms_addr(const struct ksyms *cks, const char *name)
{
	struct ksyms *ks = ksyms_ready(cks);
	char line[512];
	uint64_t addr = 0;
	size_t len;
	FILE *f;

	if (!ks)
		return 0;
	for (size_t i = 0; i < ks->tab.n; i++) {
		if (!strcmp(ks->tab.strs + ks->tab.syms[i].name, name))
			return ks->tab.syms[i].addr;
	}
	f = fopen("/proc/kallsyms", "re");
	if (!f)
		return 0;
	len = strlen(name);
	while (fgets(line, sizeof(line), f)) {
		char *p = strchr(line, ' ');

		if (!p || !p[1] || p[2] != ' ' || strncmp(p + 3, name, len))
			continue;
		if (p[3 + len] == '\n' || p[3 + len] == '\t' || !p[3 + len]) {
			addr = strtoull(line, NULL, 16);
			break;
		}
	}
	fclose(f);
	return addr;
}

void ksyms_free(struct ksyms *ks)
{
	if (!ks)
		return;
	symtab_free(&ks->tab);
	for (size_t i = 0; i < ks->nmodules; i++)
		free(ks->modules[i]);
	free(ks->modules);
	free(ks);
}

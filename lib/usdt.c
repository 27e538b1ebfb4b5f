// SPDX-License-Identifier: GPL-2.0
/* USDT probes of an object, and which object has one: see include/usdt.h. */
#include <errno.h>
#include <glob.h>
#include <gelf.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "elfsyms.h"
#include "untrusted.h"
#include "usdt.h"

#define NT_STAPSDT 3

/* A note section inside the file and the limits, read as it is stored (not compressed). */
static Elf_Data *note_data(const struct elfsyms_file *ef, Elf_Scn *scn, const GElf_Shdr *sh)
{
	if (sh->sh_type != SHT_NOTE || sh->sh_flags & SHF_COMPRESSED || !sh->sh_size ||
	    sh->sh_size > UNTRUSTED_SECTION_MAX || sh->sh_offset > ef->size ||
	    sh->sh_size > ef->size - sh->sh_offset)
		return NULL;
	return elf_getdata(scn, NULL);
}

/*
 * One stapsdt note: the probe's address, the base and the semaphore (three
 * words of the object's class), then "provider\0name\0arguments\0".
 */
static int note_probe(const char *desc, size_t len, size_t word, usdt_fn fn, void *ctx)
{
	const char *provider = desc + 3 * word, *name, *end = desc + len;

	if (len <= 3 * word || !memchr(provider, '\0', end - provider))
		return -1;
	name = provider + strlen(provider) + 1;
	if (name >= end || !memchr(name, '\0', end - name))
		return -1;
	return fn ? fn(ctx, provider, name) : 0;
}

static int each_in(const struct elfsyms_file *ef, usdt_fn fn, void *ctx)
{
	size_t word = gelf_getclass(ef->elf) == ELFCLASS32 ? 4 : 8, off, noff, doff;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	GElf_Nhdr nh;
	Elf_Data *d;
	int n = 0, r;

	while ((scn = elf_nextscn(ef->elf, scn))) {
		if (!gelf_getshdr(scn, &sh) || !(d = note_data(ef, scn, &sh)) || !d->d_buf)
			continue;
		off = 0;
		while ((off = gelf_getnote(d, off, &nh, &noff, &doff)) > 0) {
			if (nh.n_type != NT_STAPSDT || nh.n_namesz != 8 ||
			    memcmp((char *)d->d_buf + noff, "stapsdt", 8))
				continue;
			r = note_probe((char *)d->d_buf + doff, nh.n_descsz, word, fn, ctx);
			if (r < 0)
				continue;
			n++;
			if (r)
				return n;
		}
	}
	return n;
}

int usdt_each(const struct utarget *t, usdt_fn fn, void *ctx)
{
	struct elfsyms_file ef = { .fd = -1 };
	struct proc_root root;
	int err = proc_root_open(t->pid > 0 ? t->pid : 0, &root);

	if (err)
		return err;
	err = elfsyms_open(&ef, &root, t->path);
	if (!err)
		err = each_in(&ef, fn, ctx);
	elfsyms_close(&ef);
	proc_root_close(&root);
	return err;
}

struct probe_name {
	const char *provider, *name;
	bool found;
};

static int match_probe(void *ctx, const char *provider, const char *name)
{
	struct probe_name *p = ctx;

	p->found = !strcmp(provider, p->provider) && !strcmp(name, p->name);
	return p->found;
}

bool usdt_has(const struct utarget *t, const char *provider, const char *name)
{
	struct probe_name p = { provider, name, false };

	return usdt_each(t, match_probe, &p) > 0 && p.found;
}

/* A path glob (an absolute name with '*'): its last match, the newest version. */
static int lookup_glob(struct utarget *t, const char *pattern)
{
	glob_t g;
	int err = -ENOENT;

	if (glob(pattern, 0, NULL, &g))
		return err;
	while (err && g.gl_pathc)
		err = utarget_lookup(t, -1, g.gl_pathv[--g.gl_pathc]);
	globfree(&g);
	return err;
}

static int lookup(struct utarget *t, pid_t pid, const char *name)
{
	if (pid <= 0 && name[0] == '/' && strpbrk(name, "*?["))
		return lookup_glob(t, name);
	return utarget_lookup(t, pid, name);
}

/* "a, b, c" of names, for messages. */
static void join(char *buf, size_t size, const char *first, const char *const *names)
{
	size_t len = snprintf(buf, size, "%s", first ? first : "");

	for (; *names && len < size; names++)
		len += snprintf(buf + len, size - len, "%s%s", len ? ", " : "", *names);
}

static int find_in_process(struct utarget *t, pid_t pid, const char *const *names,
			   const char *provider, const char *name)
{
	char tried[512];
	const char *const *n;
	int err = utarget_exe(t, pid);

	if (err)
		return err;
	if (usdt_has(t, provider, name))
		return 0;
	join(tried, sizeof(tried), t->path, names);
	for (n = names; *n; n++) {
		if (!lookup(t, pid, *n) && utarget_mapped_by(t, pid) && usdt_has(t, provider, name))
			return 0;
	}
	fprintf(stderr, "%s: process %d has no USDT probe %s:%s (in %s)\n",
		program_invocation_short_name, pid, provider, name, tried);
	return -ENOENT;
}

int usdt_find(struct utarget *t, pid_t pid, const char *const *names, const char *what,
	      const char *provider, const char *name)
{
	char tried[512];
	const char *const *n;

	if (pid > 0)
		return find_in_process(t, pid, names, provider, name);
	for (n = names; *n; n++) {
		if (!lookup(t, -1, *n) && usdt_has(t, provider, name))
			return 0;
	}
	join(tried, sizeof(tried), NULL, names);
	fprintf(stderr, "%s: this machine has no %s with USDT probe %s:%s (looked for %s)\n",
		program_invocation_short_name, what, provider, name, tried);
	return -ENOENT;
}

int usdt_links_attach(struct usdt_links *l, struct bpf_program *prog, const struct utarget *t,
		      const char *provider, const char *name)
{
	struct bpf_link *link;

	if (l->n >= USDT_LINKS_MAX)
		return -1;
	link = usdt_attach(prog, t, provider, name);
	if (!link)
		return -1;
	l->links[l->n++] = link;
	return 0;
}

void usdt_links_destroy(struct usdt_links *l)
{
	while (l->n > 0)
		bpf_link__destroy(l->links[--l->n]);
}

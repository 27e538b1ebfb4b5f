// SPDX-License-Identifier: GPL-2.0
/*
 * ELF objects for symbolization: load segments and code symbols, from
 * .symtab, a separate debug file (by build-id or .gnu_debuglink) or .dynsym;
 * compressed sections are decompressed.
 *
 * Hand-written on libelf rather than elfutils' libdwfl, because measured
 * here (tests/unit/syms/bench.c: 1000 addresses spread over the code of each of
 * 10 processes mapping libc with its libc6-dbg debug file, warm page cache):
 *   this reader with lib/usyms.c:  1.4 ms for the first pid, +0.05 ms for each further pid
 *   libdwfl:                       ~120 ms for every pid
 * A Dwfl session belongs to one pid and cannot share modules with another,
 * so each process re-reads every object and its debug file, and libdwfl's
 * extras (DWARF lines, inlined frames) are not needed for function names.
 * profile resolves stacks of many processes sharing libc & co, so the
 * cross-pid (device, inode) cache of lib/usyms.c decides it; and libelf is
 * linked already, so there is no new dependency either.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "elfsyms.h"

#ifndef NT_GNU_BUILD_ID
#define NT_GNU_BUILD_ID 3
#endif

#define DEBUG_ROOT   "/usr/lib/debug"
#define BUILD_ID_MAX 64

static bool elf_ready(void)
{
	static int ok = -1;

	if (ok < 0)
		ok = elf_version(EV_CURRENT) != EV_NONE;
	return ok;
}

int elfsyms_open(struct elfsyms_file *ef, const char *path)
{
	ef->elf = NULL;
	ef->fd = -1;
	if (!elf_ready())
		return -ENOSYS;
	ef->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (ef->fd < 0)
		return -errno;
	ef->elf = elf_begin(ef->fd, ELF_C_READ_MMAP, NULL);
	if (!ef->elf || elf_kind(ef->elf) != ELF_K_ELF) {
		elf_end(ef->elf);
		close(ef->fd);
		ef->elf = NULL;
		ef->fd = -1;
		return -ENOEXEC;
	}
	return 0;
}

void elfsyms_close(struct elfsyms_file *ef)
{
	if (ef->elf)
		elf_end(ef->elf);
	if (ef->fd >= 0)
		close(ef->fd);
	ef->elf = NULL;
	ef->fd = -1;
}

static Elf_Scn *elf_find_section(Elf *elf, Elf64_Word type, const char *name, GElf_Shdr *sh)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	const char *n;

	if (elf_getshdrstrndx(elf, &shstrndx))
		return NULL;
	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, sh) || sh->sh_type != type)
			continue;
		if (!name)
			return scn;
		n = elf_strptr(elf, shstrndx, sh->sh_name);
		if (n && !strcmp(n, name))
			return scn;
	}
	return NULL;
}

/* Section data, decompressed when the section is SHF_COMPRESSED. */
static Elf_Data *section_data(Elf_Scn *scn, const GElf_Shdr *sh)
{
	if ((sh->sh_flags & SHF_COMPRESSED) && elf_compress(scn, 0, 0) < 0)
		return NULL;
	return elf_getdata(scn, NULL);
}

static int elf_read_segments(Elf *elf, struct elfsyms *es)
{
	size_t n, i;
	GElf_Phdr ph;

	if (elf_getphdrnum(elf, &n))
		return -ENOEXEC;
	es->segs = calloc(n ? n : 1, sizeof(*es->segs));
	if (!es->segs)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (!gelf_getphdr(elf, i, &ph) || ph.p_type != PT_LOAD)
			continue;
		es->segs[es->nsegs].offset = ph.p_offset;
		es->segs[es->nsegs].vaddr = ph.p_vaddr;
		es->segs[es->nsegs].filesz = ph.p_filesz;
		es->nsegs++;
	}
	return es->nsegs ? 0 : -ENOEXEC;
}

bool elfsyms_vaddr(const struct elfsyms *es, uint64_t off, uint64_t *vaddr)
{
	for (size_t i = 0; i < es->nsegs; i++) {
		const struct elfsyms_segment *s = &es->segs[i];

		if (off >= s->offset && off - s->offset < s->filesz) {
			*vaddr = off - s->offset + s->vaddr;
			return true;
		}
	}
	return false;
}

/* The GNU build-id note; returns its length (0 when absent). */
static size_t elf_build_id(Elf *elf, unsigned char *id, size_t max)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	GElf_Nhdr nh;
	size_t off, noff, doff;
	Elf_Data *d;

	while ((scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		d = elf_getdata(scn, NULL);
		if (!d)
			continue;
		off = 0;
		while ((off = gelf_getnote(d, off, &nh, &noff, &doff)) > 0) {
			if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
			    memcmp((char *)d->d_buf + noff, "GNU", 4))
				continue;
			if (!nh.n_descsz || nh.n_descsz > max)
				return 0;
			memcpy(id, (char *)d->d_buf + doff, nh.n_descsz);
			return nh.n_descsz;
		}
	}
	return 0;
}

/* Which symbols name code: functions, and untyped labels in executable sections. */
static bool sym_is_code(Elf *elf, const GElf_Sym *s)
{
	int type = GELF_ST_TYPE(s->st_info);
	GElf_Shdr sh;
	Elf_Scn *scn;

	if (s->st_shndx == SHN_UNDEF || !s->st_value || !s->st_name)
		return false;
	if (type == STT_FUNC || type == STT_GNU_IFUNC)
		return true;
	if (type != STT_NOTYPE || s->st_shndx >= SHN_LORESERVE)
		return false;
	scn = elf_getscn(elf, s->st_shndx);
	return scn && gelf_getshdr(scn, &sh) && (sh.sh_flags & SHF_EXECINSTR);
}

static uint8_t elf_sym_rank(const GElf_Sym *s, const char *name)
{
	int bind = GELF_ST_BIND(s->st_info);
	uint8_t r = 0;

	if (GELF_ST_TYPE(s->st_info) != STT_NOTYPE)
		r += 16;
	if (bind == STB_GLOBAL)
		r += 8;
	else if (bind == STB_WEAK)
		r += 4;
	return r + 3 - symbol_underscores(name);
}

/* Read the code symbols of one symbol table section; the string table is copied whole. */
static int elf_read_symtab(Elf *elf, Elf_Scn *scn, const GElf_Shdr *sh, struct symtab *t)
{
	Elf_Data *data, *strdata;
	GElf_Shdr strsh;
	Elf_Scn *strscn;
	size_t n, i;
	GElf_Sym s;

	strscn = elf_getscn(elf, sh->sh_link);
	if (!strscn || !gelf_getshdr(strscn, &strsh))
		return -ENOEXEC;
	data = section_data(scn, sh);
	strdata = section_data(strscn, &strsh);
	if (!data || !strdata || !strdata->d_size || strdata->d_size >= UINT32_MAX)
		return -ENOEXEC;
	t->strs = malloc(strdata->d_size + 1);
	if (!t->strs)
		return -ENOMEM;
	memcpy(t->strs, strdata->d_buf, strdata->d_size);
	t->strs[strdata->d_size] = '\0';
	t->strs_len = t->strs_cap = strdata->d_size + 1;

	n = sh->sh_entsize ? data->d_size / sh->sh_entsize : 0;
	if (symtab_reserve(t, n))
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct symbol *o;

		if (!gelf_getsym(data, i, &s) || !sym_is_code(elf, &s) ||
		    s.st_name >= strdata->d_size || !t->strs[s.st_name])
			continue;
		o = &t->syms[t->n++];
		o->addr = s.st_value;
		o->size = s.st_size > UINT32_MAX ? UINT32_MAX : s.st_size;
		o->name = s.st_name;
		o->aux = 0;
		o->rank = elf_sym_rank(&s, t->strs + s.st_name);
	}
	symtab_finish(t);
	return 0;
}

static int elf_load_symbols(Elf *elf, Elf64_Word type, struct symtab *t)
{
	GElf_Shdr sh;
	Elf_Scn *scn;

	scn = elf_find_section(elf, type, NULL, &sh);
	if (!scn || sh.sh_type == SHT_NOBITS)
		return -ENOENT;
	return elf_read_symtab(elf, scn, &sh, t);
}

static uint32_t file_crc32(int fd)
{
	unsigned char buf[64 * 1024];
	uLong crc = crc32(0, Z_NULL, 0);
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0)
		crc = crc32(crc, buf, n);
	return crc;
}

/* What identifies the right separate debug file for an object. */
struct debug_want {
	unsigned char build_id[BUILD_ID_MAX];
	size_t build_id_len;
	const char *link; /* .gnu_debuglink file name, or NULL */
	uint32_t crc;
};

static bool debug_file_matches(struct elfsyms_file *ef, const struct debug_want *w)
{
	unsigned char id[BUILD_ID_MAX];
	size_t len;

	len = elf_build_id(ef->elf, id, sizeof(id));
	if (w->build_id_len && len)
		return len == w->build_id_len && !memcmp(id, w->build_id, len);
	if (!w->link)
		return false;
	lseek(ef->fd, 0, SEEK_SET);
	return file_crc32(ef->fd) == w->crc;
}

/* Open candidate path as the debug file; on success ef holds it open. */
static bool try_debug_file(struct elfsyms_file *ef, const char *path, const struct debug_want *w)
{
	GElf_Shdr sh;

	if (elfsyms_open(ef, path))
		return false;
	if (elf_find_section(ef->elf, SHT_SYMTAB, NULL, &sh) && debug_file_matches(ef, w))
		return true;
	elfsyms_close(ef);
	return false;
}

static bool find_debug_by_build_id(struct elfsyms_file *ef, const char *root,
				   const struct debug_want *w)
{
	char path[PATH_MAX], *p;
	size_t i;
	int n;

	if (!w->build_id_len)
		return false;
	n = snprintf(path, sizeof(path), "%s" DEBUG_ROOT "/.build-id/%02x/", root, w->build_id[0]);
	if (n < 0 || (size_t)n + 2 * w->build_id_len + 7 > sizeof(path))
		return false;
	p = path + n;
	for (i = 1; i < w->build_id_len; i++)
		p += sprintf(p, "%02x", w->build_id[i]);
	strcpy(p, ".debug");
	return try_debug_file(ef, path, w);
}

/* The .gnu_debuglink places: beside the object, in .debug/ there, under /usr/lib/debug. */
static bool find_debug_by_link(struct elfsyms_file *ef, const char *root, const char *objpath,
			       const struct debug_want *w)
{
	static const char *const fmts[] = { "%s%s/%s", "%s%s/.debug/%s", "%s" DEBUG_ROOT "%s/%s" };
	char dir[PATH_MAX], path[PATH_MAX], *slash;
	size_t i;
	int n;

	if (!w->link || strchr(w->link, '/'))
		return false;
	n = snprintf(dir, sizeof(dir), "%s", objpath);
	if (n < 0 || (size_t)n >= sizeof(dir))
		return false;
	slash = strrchr(dir, '/');
	if (!slash)
		return false;
	*slash = '\0';
	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		n = snprintf(path, sizeof(path), fmts[i], root, dir, w->link);
		if (n < 0 || (size_t)n >= sizeof(path))
			continue;
		/* The object itself may carry its own name as a link. */
		if (!strcmp(path + strlen(root), objpath))
			continue;
		if (try_debug_file(ef, path, w))
			return true;
	}
	return false;
}

static void debug_want_init(Elf *elf, struct debug_want *w)
{
	GElf_Shdr sh;
	Elf_Data *d;
	Elf_Scn *scn;
	size_t len;

	memset(w, 0, sizeof(*w));
	w->build_id_len = elf_build_id(elf, w->build_id, sizeof(w->build_id));
	scn = elf_find_section(elf, SHT_PROGBITS, ".gnu_debuglink", &sh);
	d = scn ? elf_getdata(scn, NULL) : NULL;
	if (!d || d->d_size < 8)
		return;
	len = strnlen(d->d_buf, d->d_size);
	if (!len || ((len + 4) & ~3UL) + 4 > d->d_size)
		return;
	w->link = d->d_buf;
	memcpy(&w->crc, (char *)d->d_buf + ((len + 4) & ~3UL), 4);
}

/*
 * Symbols of a stripped object: the .symtab of its separate debug file, found
 * by build-id or .gnu_debuglink, on the host first, then in the process' root.
 */
static bool load_debug_symbols(Elf *elf, const char *root, const char *objpath, struct symtab *t)
{
	struct elfsyms_file dbg = { .fd = -1 };
	struct debug_want w;
	bool found;

	debug_want_init(elf, &w);
	found = find_debug_by_build_id(&dbg, "", &w) || find_debug_by_link(&dbg, "", objpath, &w) ||
		(*root && find_debug_by_build_id(&dbg, root, &w)) ||
		(*root && find_debug_by_link(&dbg, root, objpath, &w));
	if (!found)
		return false;
	found = !elf_load_symbols(dbg.elf, SHT_SYMTAB, t);
	elfsyms_close(&dbg);
	if (!found)
		symtab_free(t);
	return found;
}

/* path NULL: no debug file is looked for. */
static int read_object(struct elfsyms *es, Elf *elf, const char *path, const char *root)
{
	int err;

	err = elf_read_segments(elf, es);
	if (err)
		return err;
	if (!elf_load_symbols(elf, SHT_SYMTAB, &es->tab))
		return 0;
	symtab_free(&es->tab);
	if (path && path[0] == '/' && load_debug_symbols(elf, root, path, &es->tab))
		return 0;
	if (!elf_load_symbols(elf, SHT_DYNSYM, &es->tab))
		return 0;
	symtab_free(&es->tab);
	return 0; /* segments but no symbols: addresses map, names stay unknown */
}

int elfsyms_read(struct elfsyms *es, const struct elfsyms_file *ef, const char *path,
		 const char *root)
{
	return read_object(es, ef->elf, path, root);
}

/* Size of an in-memory ELF image: the furthest of its headers and segments. */
static size_t elf_image_size(const Elf64_Ehdr *eh)
{
	const Elf64_Phdr *ph = (const void *)((const char *)eh + eh->e_phoff);
	size_t size = eh->e_shoff + (size_t)eh->e_shnum * eh->e_shentsize;

	for (int i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_offset + ph[i].p_filesz > size)
			size = ph[i].p_offset + ph[i].p_filesz;
	}
	return size;
}

int elfsyms_read_image(struct elfsyms *es, const void *image)
{
	const Elf64_Ehdr *eh = image;
	Elf *elf;
	int err;

	if (!eh || !elf_ready() || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64)
		return -ENOEXEC;
	elf = elf_memory((char *)eh, elf_image_size(eh));
	if (!elf)
		return -ENOEXEC;
	err = read_object(es, elf, NULL, "");
	elf_end(elf);
	return err;
}

void elfsyms_free(struct elfsyms *es)
{
	symtab_free(&es->tab);
	free(es->segs);
	es->segs = NULL;
	es->nsegs = 0;
}

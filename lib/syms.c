// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel and user symbol resolution.
 *
 * Kernel: /proc/kallsyms, parsed on first use into one array sorted by
 * address.
 *
 * User: hand-written on libelf rather than elfutils' libdwfl, because measured
 * here (tests/unit/syms/bench.c: 1000 addresses spread over the code of each of
 * 10 processes mapping libc with its libc6-dbg debug file, warm page cache):
 *   this file:  1.4 ms for the first pid, +0.05 ms for each further pid
 *   libdwfl:    ~120 ms for every pid
 * A Dwfl session belongs to one pid and cannot share modules with another,
 * so each process re-reads every object and its debug file, and libdwfl's
 * extras (DWARF lines, inlined frames) are not needed for function names.
 * profile resolves stacks of many processes sharing libc & co, so the
 * cross-pid (device, inode) cache below decides it; and libelf is linked
 * already, so there is no new dependency either.
 *
 * Objects are cached by (device, inode) across pids; a pid's map list is read
 * on its first lookup, an object's symbols on the first lookup that lands in
 * it.  An address is translated to the object's virtual address through the
 * PT_LOAD segment holding the mapping's file offset, which handles non-PIE,
 * PIE and shared libraries (and any odd segment layout) alike.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <libelf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "syms.h"

#ifndef NT_GNU_BUILD_ID
#define NT_GNU_BUILD_ID 3
#endif

#define DEBUG_ROOT     "/usr/lib/debug"
#define BUILD_ID_MAX   64
#define MAPS_RELOAD_NS 1000000000ULL

/*
 * One symbol.  name is an offset into the owning table's string pool; rank
 * orders symbols sharing an address (the best one is kept), aux is the
 * kernel module index.
 */
struct symbol {
	uint64_t addr;
	uint32_t size;
	uint32_t name;
	uint16_t aux;
	uint8_t rank;
};

struct symtab {
	struct symbol *syms;
	size_t n, cap;
	char *strs;
	size_t strs_len, strs_cap;
};

/* ---------------------------------------------------------------- tables */

static int symtab_reserve(struct symtab *t, size_t n)
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

/* Append len bytes and a NUL to the string pool; returns the offset or -1. */
static int64_t symtab_add_str(struct symtab *t, const char *s, size_t len)
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

/* Sort by address, keeping only the best-ranked symbol of each address. */
static void symtab_finish(struct symtab *t)
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

/* The symbol covering addr: the last one starting at or below it, if within its size. */
static const struct symbol *symtab_find(const struct symtab *t, uint64_t addr)
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

static void symtab_free(struct symtab *t)
{
	free(t->syms);
	free(t->strs);
	memset(t, 0, sizeof(*t));
}

/* Fewer leading underscores first: "malloc" over "__libc_malloc". */
static unsigned int underscore_penalty(const char *name)
{
	unsigned int n = 0;

	while (name[n] == '_' && n < 3)
		n++;
	return n;
}

/* ---------------------------------------------------------------- kernel */

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
	return r + 3 - underscore_penalty(name);
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

/* ------------------------------------------------------------ ELF objects */

struct segment {
	uint64_t offset, vaddr, filesz;
};

enum dso_state { DSO_NEW, DSO_LOADED, DSO_FAILED };

/* A mapped object, shared by every pid that maps the same (dev, inode). */
struct dso {
	struct dso *next;
	dev_t dev;
	ino_t ino;
	char *path;
	enum dso_state state;
	int attempts;
	struct segment *segs;
	size_t nsegs;
	struct symtab tab;
};

struct elf_file {
	int fd;
	Elf *elf;
};

static bool elf_ready(void)
{
	static int ok = -1;

	if (ok < 0)
		ok = elf_version(EV_CURRENT) != EV_NONE;
	return ok;
}

static int elf_file_open(struct elf_file *ef, const char *path)
{
	ef->elf = NULL;
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

static void elf_file_close(struct elf_file *ef)
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

static int elf_read_segments(Elf *elf, struct dso *dso)
{
	size_t n, i;
	GElf_Phdr ph;

	if (elf_getphdrnum(elf, &n))
		return -ENOEXEC;
	dso->segs = calloc(n ? n : 1, sizeof(*dso->segs));
	if (!dso->segs)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (!gelf_getphdr(elf, i, &ph) || ph.p_type != PT_LOAD)
			continue;
		dso->segs[dso->nsegs].offset = ph.p_offset;
		dso->segs[dso->nsegs].vaddr = ph.p_vaddr;
		dso->segs[dso->nsegs].filesz = ph.p_filesz;
		dso->nsegs++;
	}
	return dso->nsegs ? 0 : -ENOEXEC;
}

/* File offset -> link-time virtual address, through the segment holding it. */
static bool dso_offset_to_vaddr(const struct dso *dso, uint64_t off, uint64_t *vaddr)
{
	for (size_t i = 0; i < dso->nsegs; i++) {
		const struct segment *s = &dso->segs[i];

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
	return r + 3 - underscore_penalty(name);
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

static bool debug_file_matches(struct elf_file *ef, const struct debug_want *w)
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
static bool try_debug_file(struct elf_file *ef, const char *path, const struct debug_want *w)
{
	GElf_Shdr sh;

	if (elf_file_open(ef, path))
		return false;
	if (elf_find_section(ef->elf, SHT_SYMTAB, NULL, &sh) && debug_file_matches(ef, w))
		return true;
	elf_file_close(ef);
	return false;
}

static bool find_debug_by_build_id(struct elf_file *ef, const char *root,
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
static bool find_debug_by_link(struct elf_file *ef, const char *root, const char *objpath,
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
	struct elf_file dbg = { .fd = -1 };
	struct debug_want w;
	bool found;

	debug_want_init(elf, &w);
	found = find_debug_by_build_id(&dbg, "", &w) || find_debug_by_link(&dbg, "", objpath, &w) ||
		(*root && find_debug_by_build_id(&dbg, root, &w)) ||
		(*root && find_debug_by_link(&dbg, root, objpath, &w));
	if (!found)
		return false;
	found = !elf_load_symbols(dbg.elf, SHT_SYMTAB, t);
	elf_file_close(&dbg);
	if (!found)
		symtab_free(t);
	return found;
}

static int dso_load_elf(struct dso *dso, Elf *elf, const char *root)
{
	int err;

	err = elf_read_segments(elf, dso);
	if (err)
		return err;
	if (!elf_load_symbols(elf, SHT_SYMTAB, &dso->tab))
		return 0;
	symtab_free(&dso->tab);
	if (dso->path[0] == '/' && load_debug_symbols(elf, root, dso->path, &dso->tab))
		return 0;
	if (!elf_load_symbols(elf, SHT_DYNSYM, &dso->tab))
		return 0;
	symtab_free(&dso->tab);
	return 0; /* segments but no symbols: addresses map, names stay unknown */
}

/* ------------------------------------------------------------- processes */

enum map_kind { MAP_FILE, MAP_VDSO, MAP_ANON };

struct map {
	uint64_t start, end, pgoff;
	enum map_kind kind;
	struct dso *dso;
};

/* String pools of perf maps read before, kept so returned names stay valid. */
struct old_strs {
	struct old_strs *next;
	char *strs;
};

struct perfmap {
	struct symtab tab;
	char *path;
	off_t size; /* file size when read; a grown file is re-read */
	struct old_strs *old;
};

struct proc {
	struct proc *next;
	pid_t pid;
	struct map *maps;
	size_t nmaps;
	unsigned long long maps_read_ns;
	unsigned long long start_time; /* tells a reused pid from the one we read */
	bool maps_ok;
	struct perfmap perfmap;
	bool perfmap_tried;
};

#define PROC_BUCKETS 1024
#define DSO_BUCKETS  1024

struct usyms {
	struct proc *procs[PROC_BUCKETS];
	struct dso *dsos[DSO_BUCKETS];
	struct dso *vdso;
	struct old_strs *retired; /* perf map names of forgotten pids */
};

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

struct usyms *usyms_new(void)
{
	return calloc(1, sizeof(struct usyms));
}

static void dso_free(struct dso *dso)
{
	symtab_free(&dso->tab);
	free(dso->segs);
	free(dso->path);
	free(dso);
}

static struct dso *dso_new(dev_t dev, ino_t ino, const char *path)
{
	struct dso *dso = calloc(1, sizeof(*dso));

	if (!dso)
		return NULL;
	dso->dev = dev;
	dso->ino = ino;
	dso->path = strdup(path);
	if (!dso->path) {
		free(dso);
		return NULL;
	}
	return dso;
}

static struct dso *dso_get(struct usyms *us, dev_t dev, ino_t ino, const char *path)
{
	size_t b = (ino * 31 + dev) % DSO_BUCKETS;
	struct dso *dso;

	for (dso = us->dsos[b]; dso; dso = dso->next) {
		if (dso->dev == dev && dso->ino == ino)
			return dso;
	}
	dso = dso_new(dev, ino, path);
	if (!dso)
		return NULL;
	dso->next = us->dsos[b];
	us->dsos[b] = dso;
	return dso;
}

/*
 * Open a mapped object as the process sees it: through its root (containers),
 * checking it is still the mapped inode, else through map_files, which also
 * reaches deleted and memfd files.
 */
static int open_mapped(pid_t pid, const struct dso *dso, const struct map *m, struct elf_file *ef,
		       char *root, size_t rootlen)
{
	char path[PATH_MAX];
	struct stat st;
	int n;

	snprintf(root, rootlen, "/proc/%d/root", pid);
	n = snprintf(path, sizeof(path), "%s%s", root, dso->path);
	if (dso->path[0] == '/' && n > 0 && (size_t)n < sizeof(path) && !elf_file_open(ef, path)) {
		if (!fstat(ef->fd, &st) && st.st_dev == dso->dev && st.st_ino == dso->ino)
			return 0;
		elf_file_close(ef);
	}
	snprintf(path, sizeof(path), "/proc/%d/map_files/%" PRIx64 "-%" PRIx64, pid, m->start,
		 m->end);
	return elf_file_open(ef, path);
}

static void dso_load(struct dso *dso, pid_t pid, const struct map *m)
{
	struct elf_file ef = { .fd = -1 };
	struct stat st, self;
	char root[64];

	if (!elf_ready() || open_mapped(pid, dso, m, &ef, root, sizeof(root))) {
		/* The process may have gone; another pid mapping it may do better. */
		if (++dso->attempts >= 3)
			dso->state = DSO_FAILED;
		return;
	}
	/* A process sharing our root needs no prefix to find debug files. */
	if (!stat(root, &st) && !stat("/", &self) && st.st_dev == self.st_dev &&
	    st.st_ino == self.st_ino)
		root[0] = '\0';
	dso->state = dso_load_elf(dso, ef.elf, root) ? DSO_FAILED : DSO_LOADED;
	elf_file_close(&ef);
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

/* The vDSO is the same image in every process: read our own copy. */
static struct dso *vdso_get(struct usyms *us)
{
	const Elf64_Ehdr *eh = (const void *)getauxval(AT_SYSINFO_EHDR);
	struct dso *dso;
	Elf *elf;

	if (us->vdso)
		return us->vdso->state == DSO_LOADED ? us->vdso : NULL;
	us->vdso = dso = dso_new(0, 0, "[vdso]");
	if (!dso)
		return NULL;
	dso->state = DSO_FAILED;
	if (!eh || !elf_ready() || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64)
		return NULL;
	elf = elf_memory((char *)eh, elf_image_size(eh));
	if (elf && !dso_load_elf(dso, elf, ""))
		dso->state = DSO_LOADED;
	elf_end(elf);
	return dso->state == DSO_LOADED ? dso : NULL;
}

/* Parse "start-end perms offset maj:min inode   path"; false for non-code lines. */
static bool parse_maps_line(char *line, struct map *m, dev_t *dev, ino_t *ino, char **path)
{
	unsigned int maj, min;
	unsigned long long start, end, off, inode;
	char perms[5];
	int pos = 0;
	char *p;

	if (sscanf(line, "%llx-%llx %4s %llx %x:%x %llu %n", &start, &end, perms, &off, &maj, &min,
		   &inode, &pos) < 7 ||
	    perms[2] != 'x')
		return false;
	p = line + pos;
	p[strcspn(p, "\n")] = '\0';
	m->start = start;
	m->end = end;
	m->pgoff = off;
	m->dso = NULL;
	*dev = makedev(maj, min);
	*ino = inode;
	*path = p;
	if (!strcmp(p, "[vdso]"))
		m->kind = MAP_VDSO;
	else if (inode && *p == '/')
		m->kind = MAP_FILE;
	else
		m->kind = MAP_ANON; /* JIT code, [anon:...], [vsyscall] */
	return true;
}

static void strip_deleted(char *path)
{
	static const char suffix[] = " (deleted)";
	size_t len = strlen(path), slen = sizeof(suffix) - 1;

	if (len > slen && !strcmp(path + len - slen, suffix))
		path[len - slen] = '\0';
}

static int proc_read_maps(struct usyms *us, struct proc *p)
{
	char fname[64], *line = NULL, *path;
	size_t cap = 0, mcap = p->nmaps;
	struct map m, *nm;
	dev_t dev;
	ino_t ino;
	FILE *f;

	p->maps_read_ns = now_ns();
	snprintf(fname, sizeof(fname), "/proc/%d/maps", p->pid);
	f = fopen(fname, "re");
	if (!f)
		return -errno;
	p->nmaps = 0;
	while (getline(&line, &cap, f) > 0) {
		if (!parse_maps_line(line, &m, &dev, &ino, &path))
			continue;
		if (m.kind == MAP_FILE) {
			strip_deleted(path);
			m.dso = dso_get(us, dev, ino, path);
			if (!m.dso)
				continue;
		}
		if (p->nmaps == mcap) {
			mcap = mcap ? mcap * 2 : 64;
			nm = realloc(p->maps, mcap * sizeof(*nm));
			if (!nm)
				break;
			p->maps = nm;
		}
		p->maps[p->nmaps++] = m;
	}
	free(line);
	fclose(f);
	p->maps_ok = true;
	return 0;
}

/* Field 22 of /proc/PID/stat, the start time in clock ticks since boot; 0 if gone. */
static unsigned long long proc_start_time(pid_t pid)
{
	unsigned long long t = 0;
	char path[64], buf[1024], *p;
	ssize_t n;
	int fd, i;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* The command name may hold spaces and parentheses: fields count from the last ')'. */
	p = strrchr(buf, ')');
	for (i = 2; p && i < 22; i++)
		p = strchr(p + 1, ' ');
	if (p)
		t = strtoull(p + 1, NULL, 10);
	return t;
}

static struct proc *proc_get(struct usyms *us, pid_t pid)
{
	size_t b = (unsigned int)pid % PROC_BUCKETS;
	struct proc *p;

	for (p = us->procs[b]; p; p = p->next) {
		if (p->pid == pid)
			return p;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->pid = pid;
	p->start_time = proc_start_time(pid);
	p->next = us->procs[b];
	us->procs[b] = p;
	proc_read_maps(us, p);
	return p;
}

static const struct map *proc_find_map(const struct proc *p, uint64_t addr)
{
	size_t lo = 0, hi = p->nmaps;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (addr < p->maps[mid].start)
			hi = mid;
		else if (addr >= p->maps[mid].end)
			lo = mid + 1;
		else
			return &p->maps[mid];
	}
	return NULL;
}

/* ------------------------------------------------------------- perf maps */

static void strs_push(struct old_strs **list, char *strs)
{
	struct old_strs *o;

	if (!strs)
		return;
	o = malloc(sizeof(*o));
	/* On failure leak it: better than freeing names a caller may still hold. */
	if (!o)
		return;
	o->strs = strs;
	o->next = *list;
	*list = o;
}

/* "START SIZE name" per line, hex numbers, as JITs write /tmp/perf-PID.map. */
static void perfmap_parse(struct perfmap *pm, FILE *f)
{
	char *line = NULL, *p, *name;
	unsigned long long start, size;
	size_t cap = 0, len;
	struct symbol *s;
	int64_t off;

	while (getline(&line, &cap, f) > 0) {
		start = strtoull(line, &p, 16);
		if (p == line || *p != ' ')
			continue;
		size = strtoull(p + 1, &name, 16);
		if (name == p + 1 || *name != ' ')
			continue;
		name++;
		len = strcspn(name, "\n");
		if (!len || symtab_reserve(&pm->tab, 1))
			continue;
		off = symtab_add_str(&pm->tab, name, len);
		if (off < 0)
			break;
		s = &pm->tab.syms[pm->tab.n++];
		s->addr = start;
		s->size = size > UINT32_MAX ? UINT32_MAX : size;
		s->name = off;
		s->aux = 0;
		s->rank = 0;
	}
	free(line);
	symtab_finish(&pm->tab);
}

/* The pid as its own namespace numbers it (last NSpid field), for a container's perf map. */
static pid_t ns_pid(pid_t pid)
{
	char fname[64], *line = NULL;
	size_t cap = 0;
	pid_t nspid = pid;
	FILE *f;

	snprintf(fname, sizeof(fname), "/proc/%d/status", pid);
	f = fopen(fname, "re");
	if (!f)
		return pid;
	while (getline(&line, &cap, f) > 0) {
		char *p, *last;

		if (strncmp(line, "NSpid:", 6))
			continue;
		last = NULL;
		for (p = strtok(line + 6, " \t\n"); p; p = strtok(NULL, " \t\n"))
			last = p;
		if (last)
			nspid = atoi(last);
		break;
	}
	free(line);
	fclose(f);
	return nspid;
}

static void perfmap_load(struct proc *p)
{
	struct perfmap *pm = &p->perfmap;
	char path[PATH_MAX];
	struct stat st;
	pid_t nspid;
	FILE *f;

	if (!pm->path) {
		snprintf(path, sizeof(path), "/tmp/perf-%d.map", p->pid);
		nspid = ns_pid(p->pid);
		if (access(path, R_OK) && nspid != p->pid)
			snprintf(path, sizeof(path), "/proc/%d/root/tmp/perf-%d.map", p->pid,
				 nspid);
		pm->path = strdup(path);
		if (!pm->path)
			return;
	}
	f = fopen(pm->path, "re");
	if (!f)
		return;
	if (fstat(fileno(f), &st) || st.st_size == pm->size) {
		fclose(f);
		return;
	}
	strs_push(&pm->old, pm->tab.strs);
	pm->tab.strs = NULL;
	symtab_free(&pm->tab);
	pm->size = st.st_size;
	perfmap_parse(pm, f);
	fclose(f);
}

static bool perfmap_resolve(struct proc *p, uint64_t addr, struct sym *out)
{
	const struct symbol *s;

	if (!p->perfmap_tried) {
		p->perfmap_tried = true;
		perfmap_load(p);
	}
	s = symtab_find(&p->perfmap.tab, addr);
	if (!s) {
		/* A JIT appends as it compiles: look again if the file grew. */
		perfmap_load(p);
		s = symtab_find(&p->perfmap.tab, addr);
	}
	if (!s)
		return false;
	out->name = p->perfmap.tab.strs + s->name;
	out->offset = addr - s->addr;
	out->module = p->perfmap.path;
	return true;
}

/* ----------------------------------------------------------------- lookup */

static bool dso_resolve(struct dso *dso, const struct map *m, uint64_t addr, struct sym *out)
{
	const struct symbol *s;
	uint64_t vaddr;

	out->module = dso->path;
	if (!dso_offset_to_vaddr(dso, addr - m->start + m->pgoff, &vaddr)) {
		out->offset = addr - m->start + m->pgoff;
		return false;
	}
	out->offset = vaddr;
	s = symtab_find(&dso->tab, vaddr);
	if (!s)
		return false;
	out->name = dso->tab.strs + s->name;
	out->offset = vaddr - s->addr;
	return true;
}

bool usyms_resolve(struct usyms *us, pid_t pid, uint64_t addr, struct sym *out)
{
	const struct map *m;
	struct proc *p;
	struct dso *dso;

	memset(out, 0, sizeof(*out));
	if (!us || pid <= 0)
		return false;
	p = proc_get(us, pid);
	if (!p)
		return false;
	m = proc_find_map(p, addr);
	/* Not mapped when we read the maps: maybe dlopen()ed since. */
	if (!m && p->maps_ok && now_ns() - p->maps_read_ns >= MAPS_RELOAD_NS) {
		proc_read_maps(us, p);
		m = proc_find_map(p, addr);
	}
	if (!m || m->kind == MAP_ANON)
		return perfmap_resolve(p, addr, out);
	if (m->kind == MAP_VDSO) {
		dso = vdso_get(us);
		return dso && dso_resolve(dso, m, addr, out);
	}
	dso = m->dso;
	if (dso->state == DSO_NEW)
		dso_load(dso, pid, m);
	if (dso->state != DSO_LOADED) {
		out->module = dso->path;
		out->offset = addr - m->start + m->pgoff;
		return false;
	}
	return dso_resolve(dso, m, addr, out);
}

static void proc_free(struct proc *p)
{
	symtab_free(&p->perfmap.tab);
	free(p->perfmap.path);
	free(p->maps);
	free(p);
}

/* Free a pid's state, keeping its perf map names: callers may still hold them. */
static void proc_retire(struct usyms *us, struct proc *p)
{
	struct old_strs *o;

	while ((o = p->perfmap.old)) {
		p->perfmap.old = o->next;
		o->next = us->retired;
		us->retired = o;
	}
	strs_push(&us->retired, p->perfmap.tab.strs);
	p->perfmap.tab.strs = NULL;
	proc_free(p);
}

void usyms_forget_pid(struct usyms *us, pid_t pid)
{
	struct proc **pp, *p;

	if (!us)
		return;
	for (pp = &us->procs[(unsigned int)pid % PROC_BUCKETS]; (p = *pp); pp = &p->next) {
		if (p->pid == pid) {
			*pp = p->next;
			proc_retire(us, p);
			return;
		}
	}
}

size_t usyms_forget_exited(struct usyms *us)
{
	struct proc **pp, *p;
	size_t i, n = 0;

	if (!us)
		return 0;
	for (i = 0; i < PROC_BUCKETS; i++) {
		for (pp = &us->procs[i]; (p = *pp);) {
			if (p->start_time && proc_start_time(p->pid) == p->start_time) {
				pp = &p->next;
				continue;
			}
			*pp = p->next;
			proc_retire(us, p);
			n++;
		}
	}
	return n;
}

void usyms_free(struct usyms *us)
{
	struct old_strs *o;
	struct proc *p, *pn;
	struct dso *d, *dn;
	size_t i;

	if (!us)
		return;
	for (i = 0; i < PROC_BUCKETS; i++) {
		for (p = us->procs[i]; p; p = pn) {
			pn = p->next;
			proc_retire(us, p);
		}
	}
	while ((o = us->retired)) {
		us->retired = o->next;
		free(o->strs);
		free(o);
	}
	for (i = 0; i < DSO_BUCKETS; i++) {
		for (d = us->dsos[i]; d; d = dn) {
			dn = d->next;
			dso_free(d);
		}
	}
	if (us->vdso)
		dso_free(us->vdso);
	free(us);
}

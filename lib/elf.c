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

#include "cli.h"
#include "elfsyms.h"
#include "untrusted.h"

#ifndef NT_GNU_BUILD_ID
#define NT_GNU_BUILD_ID 3
#endif

#define DEBUG_ROOT   "/usr/lib/debug"
#define BUILD_ID_MAX 64

/*
 * Every object is hostile input (include/untrusted.h): libelf reads it with
 * pread (ELF_C_READ), never mapped, so a file truncated while it is read
 * gives a read error, not SIGBUS; and no section is read before its header
 * was checked against the file's size and the limits, since libelf would
 * allocate whatever size a header claims.
 */
static bool elf_ready(void)
{
	static int ok = -1;

	if (ok < 0)
		ok = elf_version(EV_CURRENT) != EV_NONE;
	return ok;
}

static bool range_in(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

/*
 * The file's headers, before libelf sees it: native byte order and word size
 * of this machine's class, header tables of the right entry size inside the
 * file, no extended section numbering (only relocatable objects of more than
 * 65280 sections need it).
 */
static bool elf_headers_sane(int fd, uint64_t size)
{
	union {
		Elf64_Ehdr e64;
		Elf32_Ehdr e32;
	} h;
	uint64_t shoff, phoff;
	unsigned int shnum, phnum, shent, phent, shstrndx;
	bool is64;

	if (pread(fd, &h, sizeof(h), 0) < (ssize_t)sizeof(h.e32) ||
	    memcmp(h.e64.e_ident, ELFMAG, SELFMAG))
		return false;
	is64 = h.e64.e_ident[EI_CLASS] == ELFCLASS64;
	if ((!is64 && h.e64.e_ident[EI_CLASS] != ELFCLASS32) ||
	    h.e64.e_ident[EI_DATA] !=
		    (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? ELFDATA2LSB : ELFDATA2MSB))
		return false;
	if (is64) {
		shoff = h.e64.e_shoff, phoff = h.e64.e_phoff;
		shnum = h.e64.e_shnum, phnum = h.e64.e_phnum, shstrndx = h.e64.e_shstrndx;
		shent = h.e64.e_shentsize, phent = h.e64.e_phentsize;
	} else {
		shoff = h.e32.e_shoff, phoff = h.e32.e_phoff;
		shnum = h.e32.e_shnum, phnum = h.e32.e_phnum, shstrndx = h.e32.e_shstrndx;
		shent = h.e32.e_shentsize, phent = h.e32.e_phentsize;
	}
	if (shnum && (shent != (is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr)) ||
		      !range_in(shoff, (uint64_t)shnum * shent, size) || shstrndx >= shnum))
		return false;
	if (!shnum && shoff)
		return false; /* extended numbering */
	if (phnum &&
	    (phnum == PN_XNUM || phent != (is64 ? sizeof(Elf64_Phdr) : sizeof(Elf32_Phdr)) ||
	     !range_in(phoff, (uint64_t)phnum * phent, size)))
		return false;
	return true;
}

/* A section whose data may be read: inside the file, within the limit, not NOBITS. */
static bool section_readable(const struct elfsyms_file *ef, const GElf_Shdr *sh)
{
	return sh->sh_type != SHT_NOBITS && sh->sh_size && sh->sh_size <= UNTRUSTED_SECTION_MAX &&
	       range_in(sh->sh_offset, sh->sh_size, ef->size);
}

static int elf_begin_checked(struct elfsyms_file *ef)
{
	GElf_Shdr sh;
	size_t shstrndx;
	Elf_Scn *scn;

	if (!elf_headers_sane(ef->fd, ef->size))
		return -ENOEXEC;
	ef->elf = elf_begin(ef->fd, ELF_C_READ, NULL);
	if (!ef->elf || elf_kind(ef->elf) != ELF_K_ELF)
		return -ENOEXEC;
	/* Section names are read through libelf: check their table once. */
	if (elf_getshdrstrndx(ef->elf, &shstrndx) || !shstrndx)
		return 0;
	scn = elf_getscn(ef->elf, shstrndx);
	if (!scn || !gelf_getshdr(scn, &sh) || !section_readable(ef, &sh) ||
	    sh.sh_type != SHT_STRTAB || sh.sh_flags & SHF_COMPRESSED)
		return -ENOEXEC;
	return 0;
}

int elfsyms_open_fd(struct elfsyms_file *ef, int fd)
{
	struct stat st;
	int err;

	ef->elf = NULL;
	ef->fd = fd;
	ef->size = 0;
	if (fd < 0)
		return fd;
	err = elf_ready() ? 0 : -ENOSYS;
	if (!err && (fstat(fd, &st) || !S_ISREG(st.st_mode)))
		err = -EINVAL;
	if (!err) {
		ef->size = st.st_size;
		err = elf_begin_checked(ef);
	}
	if (err)
		elfsyms_close(ef);
	return err;
}

int elfsyms_open(struct elfsyms_file *ef, const struct proc_root *root, const char *path)
{
	struct stat st;

	return elfsyms_open_fd(ef, untrusted_open(root, path, &st));
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
		n = shstrndx ? elf_strptr(elf, shstrndx, sh->sh_name) : NULL;
		if (n && !strcmp(n, name))
			return scn;
	}
	return NULL;
}

/*
 * Section data, decompressed when the section is SHF_COMPRESSED; NULL for a
 * section that is not in the file, too large, or empty.  libelf allocates
 * the size the compression header declares, so it is checked first.
 */
static Elf_Data *section_data(const struct elfsyms_file *ef, Elf_Scn *scn, const GElf_Shdr *sh)
{
	GElf_Chdr ch;
	Elf_Data *d;

	if (!section_readable(ef, sh))
		return NULL;
	if (sh->sh_flags & SHF_COMPRESSED) {
		if (!gelf_getchdr(scn, &ch) || ch.ch_size > UNTRUSTED_INFLATE_MAX ||
		    elf_compress(scn, 0, 0) < 0)
			return NULL;
	}
	d = elf_getdata(scn, NULL);
	return d && d->d_buf && d->d_size ? d : NULL;
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
static size_t elf_build_id(const struct elfsyms_file *ef, unsigned char *id, size_t max)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	GElf_Nhdr nh;
	size_t off, noff, doff;
	Elf_Data *d;

	while ((scn = elf_nextscn(ef->elf, scn))) {
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		d = section_data(ef, scn, &sh);
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

/* What a read of one object may use: where its debug files are, and until when. */
struct elf_reader {
	const struct proc_root *root; /* the process's root; NULL: no debug file is looked for */
	uint64_t deadline_ns;
	bool all_names; /* struct elfsyms's */
};

#define SYMS_PER_CLOCK_CHECK 65536

/*
 * A string table, whole, into t's pool: read from the file straight into it
 * (libelf's copy would be copied again), or from libelf when compressed.
 */
static int read_strings(const struct elfsyms_file *ef, Elf_Scn *scn, const GElf_Shdr *sh,
			struct symtab *t)
{
	const void *src = NULL;
	Elf_Data *d = NULL;
	size_t size;

	if (ef->fd < 0 || sh->sh_flags & SHF_COMPRESSED) {
		d = section_data(ef, scn, sh);
		if (!d)
			return -ENOEXEC;
		src = d->d_buf;
		size = d->d_size;
	} else if (section_readable(ef, sh)) {
		size = sh->sh_size;
	} else {
		return -ENOEXEC;
	}
	if (size >= UINT32_MAX)
		return -ENOEXEC;
	t->strs = malloc(size + 1);
	if (!t->strs)
		return -ENOMEM;
	if (src)
		memcpy(t->strs, src, size);
	else if (pread(ef->fd, t->strs, size, sh->sh_offset) != (ssize_t)size)
		return -ENOEXEC;
	t->strs[size] = '\0';
	t->strs_len = t->strs_cap = size + 1;
	return 0;
}

/*
 * The entries of a symbol table, read a chunk at a time straight from the
 * file (its byte order is this machine's: checked at open), or through
 * libelf's copy when compressed or in memory.  Reading in chunks spares a
 * copy of the whole table and the page faults of a buffer that large.
 */
struct sym_reader {
	const struct elfsyms_file *ef;
	const GElf_Shdr *sh;
	Elf_Data *data; /* libelf's copy; NULL: read from the file */
	bool is64;
	size_t first, count; /* the entries in buf */
	unsigned char buf[64 * 1024];
};

static bool sym_reader_init(struct sym_reader *sr, const struct elfsyms_file *ef, Elf_Scn *scn,
			    const GElf_Shdr *sh, size_t *n)
{
	sr->ef = ef;
	sr->sh = sh;
	sr->is64 = gelf_getclass(ef->elf) == ELFCLASS64;
	sr->first = sr->count = 0;
	sr->data = NULL;
	if (ef->fd < 0 || sh->sh_flags & SHF_COMPRESSED) {
		sr->data = section_data(ef, scn, sh);
		*n = sr->data ? sr->data->d_size / sh->sh_entsize : 0;
		return sr->data;
	}
	*n = sh->sh_size / sh->sh_entsize;
	return section_readable(ef, sh);
}

static bool sym_get(struct sym_reader *sr, size_t i, size_t n, GElf_Sym *s)
{
	size_t ent = sr->sh->sh_entsize, want;
	const unsigned char *p;
	Elf64_Sym e64;
	Elf32_Sym e32;

	if (sr->data)
		return gelf_getsym(sr->data, i, s);
	if (i < sr->first || i >= sr->first + sr->count) {
		want = sizeof(sr->buf) / ent;
		if (want > n - i)
			want = n - i;
		if (pread(sr->ef->fd, sr->buf, want * ent, sr->sh->sh_offset + i * ent) !=
		    (ssize_t)(want * ent))
			return false;
		sr->first = i;
		sr->count = want;
	}
	p = sr->buf + (i - sr->first) * ent;
	if (sr->is64) {
		memcpy(&e64, p, sizeof(e64));
		*s = e64;
		return true;
	}
	memcpy(&e32, p, sizeof(e32));
	s->st_name = e32.st_name;
	s->st_info = e32.st_info;
	s->st_other = e32.st_other;
	s->st_shndx = e32.st_shndx;
	s->st_value = e32.st_value;
	s->st_size = e32.st_size;
	return true;
}

/* Read the code symbols of one symbol table section; the string table is copied whole. */
static int elf_read_symtab(const struct elfsyms_file *ef, Elf_Scn *scn, const GElf_Shdr *sh,
			   const struct elf_reader *r, struct symtab *t)
{
	static struct sym_reader sr; /* 64 KiB off the stack; a tool is single-threaded */
	GElf_Shdr strsh;
	Elf_Scn *strscn;
	size_t n, i;
	GElf_Sym s;

	strscn = elf_getscn(ef->elf, sh->sh_link);
	if (!sh->sh_link || !strscn || !gelf_getshdr(strscn, &strsh) ||
	    strsh.sh_type != SHT_STRTAB ||
	    sh->sh_entsize != gelf_fsize(ef->elf, ELF_T_SYM, 1, EV_CURRENT))
		return -ENOEXEC;
	if (!sym_reader_init(&sr, ef, scn, sh, &n) || read_strings(ef, strscn, &strsh, t))
		return -ENOEXEC;
	if (symtab_reserve(t, n))
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		struct symbol *o;

		if (i % SYMS_PER_CLOCK_CHECK == SYMS_PER_CLOCK_CHECK - 1 &&
		    untrusted_past(r->deadline_ns))
			return -ETIME;
		if (!sym_get(&sr, i, n, &s))
			return -ENOEXEC;
		if (!sym_is_code(ef->elf, &s) || s.st_name >= t->strs_len - 1 ||
		    !t->strs[s.st_name])
			continue;
		o = &t->syms[t->n++];
		o->addr = s.st_value;
		o->size = s.st_size > UINT32_MAX ? UINT32_MAX : s.st_size;
		o->name = s.st_name;
		o->aux = 0;
		o->rank = elf_sym_rank(&s, t->strs + s.st_name);
	}
	if (r->all_names)
		symtab_sort(t);
	else
		symtab_finish(t);
	return 0;
}

/* 0 when symbols were read; else t is left empty. */
static int elf_load_symbols(const struct elfsyms_file *ef, Elf64_Word type,
			    const struct elf_reader *r, struct symtab *t)
{
	GElf_Shdr sh;
	Elf_Scn *scn;
	int err;

	scn = elf_find_section(ef->elf, type, NULL, &sh);
	if (!scn)
		return -ENOENT;
	err = elf_read_symtab(ef, scn, &sh, r, t);
	if (err)
		symtab_free(t);
	return err;
}

/* The CRC32 of a whole file, or false when it is too large or takes too long. */
static bool file_crc32(const struct elfsyms_file *ef, const struct elf_reader *r, uint32_t *crc)
{
	static unsigned char buf[256 * 1024];
	uLong c = crc32(0, Z_NULL, 0);
	uint64_t off = 0;
	ssize_t n;

	if (ef->size > UNTRUSTED_CRC_MAX)
		return false;
	while ((n = pread(ef->fd, buf, sizeof(buf), off)) > 0) {
		c = crc32(c, buf, n);
		off += n;
		if (untrusted_past(r->deadline_ns))
			return false;
	}
	*crc = c;
	return n == 0;
}

/* What identifies the right separate debug file for an object. */
struct debug_want {
	unsigned char build_id[BUILD_ID_MAX];
	size_t build_id_len;
	char link[NAME_MAX + 1]; /* .gnu_debuglink file name, or "" */
	uint32_t crc;
};

static bool debug_file_matches(const struct elfsyms_file *ef, const struct debug_want *w,
			       const struct elf_reader *r)
{
	unsigned char id[BUILD_ID_MAX];
	uint32_t crc;
	size_t len;

	len = elf_build_id(ef, id, sizeof(id));
	if (w->build_id_len && len)
		return len == w->build_id_len && !memcmp(id, w->build_id, len);
	return w->link[0] && file_crc32(ef, r, &crc) && crc == w->crc;
}

/* Open a candidate debug file inside root; on success dbg holds it open. */
static bool try_debug_file(struct elfsyms_file *dbg, const struct proc_root *root, const char *path,
			   const struct debug_want *w, const struct elf_reader *r)
{
	GElf_Shdr sh;

	if (untrusted_past(r->deadline_ns) || elfsyms_open(dbg, root, path))
		return false;
	if (elf_find_section(dbg->elf, SHT_SYMTAB, NULL, &sh) && debug_file_matches(dbg, w, r))
		return true;
	elfsyms_close(dbg);
	return false;
}

static bool find_debug_by_build_id(struct elfsyms_file *dbg, const struct proc_root *root,
				   const struct debug_want *w, const struct elf_reader *r)
{
	char path[sizeof(DEBUG_ROOT) + 2 * BUILD_ID_MAX + 32], *p;
	size_t i;

	if (!w->build_id_len)
		return false;
	p = path + sprintf(path, DEBUG_ROOT "/.build-id/%02x/", w->build_id[0]);
	for (i = 1; i < w->build_id_len; i++)
		p += sprintf(p, "%02x", w->build_id[i]);
	strcpy(p, ".debug");
	return try_debug_file(dbg, root, path, w, r);
}

/* The .gnu_debuglink places: beside the object, in .debug/ there, under /usr/lib/debug. */
static bool find_debug_by_link(struct elfsyms_file *dbg, const struct proc_root *root,
			       const char *objpath, const struct debug_want *w,
			       const struct elf_reader *r)
{
	static const char *const fmts[] = { "%s/%s", "%s/.debug/%s", DEBUG_ROOT "%s/%s" };
	char dir[PATH_MAX], path[PATH_MAX], *slash;
	size_t i;
	int n;

	if (!w->link[0])
		return false;
	n = snprintf(dir, sizeof(dir), "%s", objpath);
	slash = n > 0 && (size_t)n < sizeof(dir) ? strrchr(dir, '/') : NULL;
	if (!slash)
		return false;
	*slash = '\0';
	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		n = snprintf(path, sizeof(path), fmts[i], dir, w->link);
		if (n < 0 || (size_t)n >= sizeof(path))
			continue;
		/* The object itself may carry its own name as a link. */
		if (!strcmp(path, objpath))
			continue;
		if (try_debug_file(dbg, root, path, w, r))
			return true;
	}
	return false;
}

static void debug_want_init(const struct elfsyms_file *ef, struct debug_want *w)
{
	GElf_Shdr sh;
	Elf_Data *d;
	Elf_Scn *scn;
	size_t len;

	memset(w, 0, sizeof(*w));
	w->build_id_len = elf_build_id(ef, w->build_id, sizeof(w->build_id));
	scn = elf_find_section(ef->elf, SHT_PROGBITS, ".gnu_debuglink", &sh);
	d = scn ? section_data(ef, scn, &sh) : NULL;
	if (!d || d->d_size < 8)
		return;
	len = strnlen(d->d_buf, d->d_size);
	/* A file name: no directory part, and not "." or "..". */
	if (!len || len > NAME_MAX || ((len + 4) & ~3UL) + 4 > d->d_size ||
	    memchr(d->d_buf, '/', len) || strspn(d->d_buf, ".") == len)
		return;
	memcpy(w->link, d->d_buf, len);
	memcpy(&w->crc, (char *)d->d_buf + ((len + 4) & ~3UL), 4);
}

/*
 * Symbols of a stripped object: the .symtab of its separate debug file, found
 * inside the process's root by build-id or .gnu_debuglink.  For a process
 * with another root, the host's debug files are tried last, by build-id
 * only: a name the container chose never picks a host file.
 */
static bool load_debug_symbols(const struct elfsyms_file *ef, const char *objpath,
			       const struct elf_reader *r, struct symtab *t)
{
	struct elfsyms_file dbg = { .fd = -1 };
	struct proc_root host = { .fd = -1 };
	struct debug_want w;
	bool found;

	debug_want_init(ef, &w);
	found = find_debug_by_build_id(&dbg, r->root, &w, r) ||
		find_debug_by_link(&dbg, r->root, objpath, &w, r);
	if (!found && !r->root->ours && w.build_id_len && !proc_root_open(0, &host)) {
		found = find_debug_by_build_id(&dbg, &host, &w, r);
		proc_root_close(&host);
	}
	if (!found)
		return false;
	found = !elf_load_symbols(&dbg, SHT_SYMTAB, r, t);
	elfsyms_close(&dbg);
	return found;
}

/* .symtab, else a debug file's, else .dynsym; segments but no symbols is no error. */
static int read_object(struct elfsyms *es, const struct elfsyms_file *ef, const char *path,
		       const struct elf_reader *r)
{
	int err;

	err = elf_read_segments(ef->elf, es);
	if (err)
		return err;
	err = elf_load_symbols(ef, SHT_SYMTAB, r, &es->tab);
	if (err != -ENOENT && err != -ENOEXEC)
		return err == -ETIME ? err : 0;
	if (r->root && path && path[0] == '/' && load_debug_symbols(ef, path, r, &es->tab))
		return 0;
	if (untrusted_past(r->deadline_ns))
		return -ETIME;
	err = elf_load_symbols(ef, SHT_DYNSYM, r, &es->tab);
	return err == -ETIME ? err : 0;
}

int elfsyms_read(struct elfsyms *es, const struct elfsyms_file *ef, const char *path,
		 const struct proc_root *root)
{
	struct elf_reader r = { .root = root,
				.deadline_ns = mono_ns() + UNTRUSTED_OBJECT_NS,
				.all_names = es->all_names };

	return read_object(es, ef, path, &r);
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

/* The vDSO: the kernel's own image in this process's memory, not a hostile file. */
int elfsyms_read_image(struct elfsyms *es, const void *image)
{
	const Elf64_Ehdr *eh = image;
	struct elfsyms_file ef = { .fd = -1 };
	struct elf_reader r = { 0 };
	int err;

	if (!eh || !elf_ready() || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64)
		return -ENOEXEC;
	ef.size = elf_image_size(eh);
	ef.elf = elf_memory((char *)eh, ef.size);
	if (!ef.elf)
		return -ENOEXEC;
	err = read_object(es, &ef, NULL, &r);
	elf_end(ef.elf);
	return err;
}

bool elfsyms_offset(const struct elfsyms *es, uint64_t vaddr, uint64_t *off)
{
	size_t i;

	for (i = 0; i < es->nsegs; i++) {
		const struct elfsyms_segment *g = &es->segs[i];

		if (vaddr >= g->vaddr && vaddr - g->vaddr < g->filesz) {
			*off = vaddr - g->vaddr + g->offset;
			return true;
		}
	}
	return false;
}

uint64_t elfsyms_file_offset(const struct elfsyms *es, const char *name)
{
	size_t i, len = strlen(name);
	uint64_t off;

	for (i = 0; i < es->tab.n; i++) {
		const struct symbol *s = &es->tab.syms[i];
		const char *sn = es->tab.strs + s->name;

		/* A debug file's .symtab names versions: "pthread_create@@GLIBC_2.34". */
		if (strncmp(sn, name, len) || (sn[len] && sn[len] != '@'))
			continue;
		if (elfsyms_offset(es, s->addr, &off))
			return off;
	}
	return 0;
}

void elfsyms_free(struct elfsyms *es)
{
	symtab_free(&es->tab);
	free(es->segs);
	es->segs = NULL;
	es->nsegs = 0;
}

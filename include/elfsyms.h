/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What symbolization needs of an ELF object (lib/elf.c): its PT_LOAD
 * segments, to turn a file offset into a link-time address, and its code
 * symbols: .symtab, else the .symtab of a separate debug file found by
 * build-id or .gnu_debuglink, else .dynsym.  (Not "elf.h": that is the
 * system's.)
 */
#ifndef BPFSCOPE_ELFSYMS_H
#define BPFSCOPE_ELFSYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "symtab.h"

struct elfsyms_segment {
	uint64_t offset, vaddr, filesz;
};

struct elfsyms {
	struct elfsyms_segment *segs;
	size_t nsegs;
	struct symtab tab; /* empty when the object has no symbols */
	/*
	 * Set before elfsyms_read: keep every name of an address (free, cfree,
	 * __libc_free), for lookups by name; else only the best-ranked one.
	 */
	bool all_names;
};

/* An open ELF file; fd tells what was opened (fstat). */
struct Elf;
struct proc_root;
struct elfsyms_file {
	int fd;
	struct Elf *elf;
	uint64_t size; /* of the file, when opened: no section is read past it */
};

/*
 * Open path inside a process's root (include/untrusted.h: regular files only,
 * never blocking); or take fd, a descriptor opened that way, closed on
 * failure.  0, -errno, or -ENOEXEC when it is no ELF file this machine runs or
 * its headers do not fit in it.  Closed again on failure.
 */
int elfsyms_open(struct elfsyms_file *ef, const struct proc_root *root, const char *path);
int elfsyms_open_fd(struct elfsyms_file *ef, int fd);
void elfsyms_close(struct elfsyms_file *ef);

/*
 * Read an opened object into es (zeroed by the caller).  path is the object's
 * path as its process sees it, where .gnu_debuglink files are looked for,
 * inside root (NULL: no debug file is looked for); for a process with a root
 * other than this tool's, the host's /usr/lib/debug/.build-id is tried last.
 * Every read is bounded (include/untrusted.h): sections larger than the
 * limits are left unread, and an object that takes longer than
 * UNTRUSTED_OBJECT_NS is given up (-ETIME).  Returns 0 when the segments were
 * read, even if no symbols were found; an error leaves es to be freed.
 */
int elfsyms_read(struct elfsyms *es, const struct elfsyms_file *ef, const char *path,
		 const struct proc_root *root);
/* The same for a 64-bit ELF image as loaded in memory (the vDSO); no debug file. */
int elfsyms_read_image(struct elfsyms *es, const void *image);

/* File offset -> link-time virtual address, through the segment holding it. */
bool elfsyms_vaddr(const struct elfsyms *es, uint64_t off, uint64_t *vaddr);
/* Link-time virtual address -> file offset (where a uprobe goes), through its segment. */
bool elfsyms_offset(const struct elfsyms *es, uint64_t vaddr, uint64_t *off);
/*
 * The file offset of the code symbol name (or "name@VERSION"), where a uprobe
 * goes; 0 when the object has no such symbol.
 */
uint64_t elfsyms_file_offset(const struct elfsyms *es, const char *name);
void elfsyms_free(struct elfsyms *es);

#endif

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
};

/* An open ELF file; fd tells what was opened (fstat). */
struct Elf;
struct elfsyms_file {
	int fd;
	struct Elf *elf;
};

/* 0, -errno, or -ENOEXEC when path is no ELF file; closed again on failure. */
int elfsyms_open(struct elfsyms_file *ef, const char *path);
void elfsyms_close(struct elfsyms_file *ef);

/*
 * Read an opened object into es (zeroed by the caller).  path is the object's
 * path as its process sees it, where .gnu_debuglink files are looked for;
 * debug files are searched on the host first, then under root ("" for none,
 * else e.g. "/proc/PID/root").  Returns 0 when the segments were read, even
 * if no symbols were found; an error leaves es to be freed.
 */
int elfsyms_read(struct elfsyms *es, const struct elfsyms_file *ef, const char *path,
		 const char *root);
/* The same for a 64-bit ELF image as loaded in memory (the vDSO); no debug file. */
int elfsyms_read_image(struct elfsyms *es, const void *image);

/* File offset -> link-time virtual address, through the segment holding it. */
bool elfsyms_vaddr(const struct elfsyms *es, uint64_t off, uint64_t *vaddr);
void elfsyms_free(struct elfsyms *es);

#endif

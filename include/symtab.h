/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Symbol tables as the symbol readers build them (kernel: ksyms.h, ELF:
 * elfsyms.h, perf maps: usyms.h): symbols sorted by address, names in one
 * string pool; and struct sym, the answer of every lookup.
 */
#ifndef BPFSCOPE_SYMTAB_H
#define BPFSCOPE_SYMTAB_H

#include <stddef.h>
#include <stdint.h>

struct sym {
	const char *name;   /* symbol name, or NULL when none */
	uint64_t offset;    /* address - symbol start */
	const char *module; /* kernel module or user object path; NULL for vmlinux */
};

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

/* Room for n more symbols; 0 or -ENOMEM. */
int symtab_reserve(struct symtab *t, size_t n);
/* Append len bytes and a NUL to the string pool; returns the offset or -1. */
int64_t symtab_add_str(struct symtab *t, const char *s, size_t len);
/*
 * Room for n more bytes in the string pool without moving it later: when it
 * must grow, the names move to a new pool and *old is the previous one, which
 * the caller keeps as long as names it returned may be in use.
 */
int symtab_reserve_strs(struct symtab *t, size_t n, char **old);
/* Sort by address, keeping only the best-ranked symbol of each address. */
void symtab_finish(struct symtab *t);
/* Sort by address, best-ranked first, keeping every name (lookups by name: uprobes). */
void symtab_sort(struct symtab *t);
/* The symbol covering addr: the last one starting at or below it, if within its size. */
const struct symbol *symtab_find(const struct symtab *t, uint64_t addr);
void symtab_free(struct symtab *t);

/* Leading underscores (up to 3), for ranking: "malloc" over "__libc_malloc". */
unsigned int symbol_underscores(const char *name);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel and user symbol resolution, loaded lazily and cached. */
#ifndef BPFSCOPE_SYMS_H
#define BPFSCOPE_SYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct sym {
	const char *name;   /* symbol name, or NULL when none */
	uint64_t offset;    /* address - symbol start */
	const char *module; /* kernel module or user object path; NULL for vmlinux */
};

/* Kernel symbols from /proc/kallsyms, read on the first lookup. */
struct ksyms;
struct ksyms *ksyms_load(void);
bool ksyms_resolve(const struct ksyms *ks, uint64_t addr, struct sym *out);
uint64_t ksyms_addr(const struct ksyms *ks, const char *name); /* 0 if absent */
void ksyms_free(struct ksyms *ks);

/*
 * User symbols of processes: the ELF symbols (.symtab, else .dynsym; debug
 * files by build-id or .gnu_debuglink) of every object mapped by the pid, read
 * through /proc/PID/root, plus /tmp/perf-PID.map for JIT code.
 * A pid's maps are read on its first lookup (again, at most once a second, for
 * an address outside them); an object's symbols on the first lookup inside it,
 * and then shared by every pid mapping the same (device, inode).
 * When usyms_resolve returns false for an address inside a mapped object,
 * out->module names the object and out->offset is the address relative to it.
 * Returned strings live until usyms_free.
 */
struct usyms;
struct usyms *usyms_new(void);
bool usyms_resolve(struct usyms *us, pid_t pid, uint64_t addr, struct sym *out);
void usyms_forget_pid(struct usyms *us, pid_t pid);
/*
 * Drop what is kept for processes that have exited (or whose pid now belongs
 * to another process); returns how many.  Object symbols stay cached.
 */
size_t usyms_forget_exited(struct usyms *us);
void usyms_free(struct usyms *us);

#endif

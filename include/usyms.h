/* SPDX-License-Identifier: GPL-2.0 */
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
#ifndef BPFSCOPE_USYMS_H
#define BPFSCOPE_USYMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "symtab.h"

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

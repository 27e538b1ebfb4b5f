/* SPDX-License-Identifier: GPL-2.0 */
/* Kernel symbols from /proc/kallsyms, read on the first lookup. */
#ifndef BPFSCOPE_KSYMS_H
#define BPFSCOPE_KSYMS_H

#include <stdbool.h>
#include <stdint.h>

#include "symtab.h"

struct ksyms;
struct ksyms *ksyms_load(void);
bool ksyms_resolve(const struct ksyms *ks, uint64_t addr, struct sym *out);
uint64_t ksyms_addr(const struct ksyms *ks, const char *name); /* 0 if absent */
void ksyms_free(struct ksyms *ks);

#endif

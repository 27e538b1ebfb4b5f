/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Perf maps: the symbol files JIT compilers write for profilers,
 * /tmp/perf-PID.map, a line per function: "START SIZE NAME", START and SIZE
 * in hex (with or without 0x), NAME the rest of the line.  The file is the
 * traced process's: hostile input (include/untrusted.h).
 */
#ifndef BPFSCOPE_PERFMAP_H
#define BPFSCOPE_PERFMAP_H

#include <stddef.h>

#include "symtab.h"

/* The longest name kept; a longer one is cut. */
#define PERFMAP_NAME_MAX 4096

/*
 * Append the symbols of the complete lines of buf[0, len) to t (unsorted:
 * symtab_finish() after), names to its pool, which must have room for len
 * more bytes (symtab_reserve_strs).  Malformed lines are skipped.  Returns the
 * bytes parsed: up to the end of the last complete line.
 */
size_t perfmap_parse(struct symtab *t, const char *buf, size_t len);

#endif

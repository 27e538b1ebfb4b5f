/* SPDX-License-Identifier: GPL-2.0 */
/* open(2) flags by name: read from an option, named in output. */
#ifndef BPFSCOPE_OPENFLAGS_H
#define BPFSCOPE_OPENFLAGS_H

#include <stddef.h>

/*
 * "Opens with any of these flags", as a BPF filter tests it: any flag bit of
 * any, or an access mode (O_RDONLY, O_WRONLY, O_RDWR) whose bit
 * 1 << (flags & O_ACCMODE) is in accmodes.
 */
struct open_flags_filter {
	unsigned long long any;
	unsigned int accmodes;
};

/*
 * Add the flags of list to f: names separated by ',' or '|' ("O_WRONLY,creat":
 * O_ optional, any case) or numbers ("0101").  An unknown or empty name is a
 * usage error naming opt (include/cli.h).
 */
void open_flags_parse(const char *opt, const char *list, struct open_flags_filter *f);

/*
 * Write the names of the flags set in flags into buf, each ending in NUL, the
 * access mode first ("O_WRONLY", "O_CREAT", ...; O_SYNC without the O_DSYNC it
 * includes, O_TMPFILE without O_DIRECTORY).  Returns the bytes written; names
 * that do not fit are left out.
 */
size_t open_flags_names(unsigned long long flags, char *buf, size_t len);

#endif

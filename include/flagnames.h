/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Flag words and command numbers by name, for tools that decode syscall
 * arguments (mountsnoop, shmsnoop).  A table lists fields: a single bit
 * (mask == value), or a value of a multi-bit field (MOUNT_ATTR_NOATIME in
 * MOUNT_ATTR__ATIME, SHM_HUGE_2MB in the huge page size bits).  A table ends
 * with an entry whose name is NULL.
 *
 *	static const struct flag_name ms[] = { FLAG(MS_RDONLY), FLAG(MS_NOSUID), {} };
 *	flags_join(ms, flags, " | ", buf, sizeof(buf));   // "MS_RDONLY | 0x400000"
 */
#ifndef BPFSCOPE_MOUNTSHM_H
#define BPFSCOPE_MOUNTSHM_H

#include <stddef.h>

struct flag_name {
	unsigned long long mask;
	unsigned long long value;
	const char *name;
};

#define FLAG(f)              \
	{                    \
		(f), (f), #f \
	}
#define FIELD(mask, v)          \
	{                       \
		(mask), (v), #v \
	}
#define FLAG_NAMED(f, str)    \
	{                     \
		(f), (f), str \
	}

/*
 * The names of the fields set in v, each ending in NUL, in table order, and
 * the bits no entry names as "0x..." last.  An entry names only bits no
 * entry before it named (a magic number in the high bits can go first).  Returns the bytes written
 * (0 for v == 0); names that do not fit are left out.
 */
size_t flag_names(const struct flag_name *t, unsigned long long v, char *buf, size_t len);

/* The same joined by sep into a C string: "0x0" for v == 0.  Returns buf. */
const char *flags_join(const struct flag_name *t, unsigned long long v, const char *sep, char *buf,
		       size_t len);

/* The name of value v in a table of values (mask ignored), or NULL. */
const char *value_name(const struct flag_name *t, unsigned long long v);

#endif

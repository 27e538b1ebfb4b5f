// SPDX-License-Identifier: GPL-2.0
/* open(2) flags by name; see include/openflags.h. */
#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "openflags.h"
#include "shared.h"

/* The kernel's O_LARGEFILE; glibc defines it as 0 where it is implied. */
#if defined(__aarch64__) || defined(__arm__)
#define KERNEL_O_LARGEFILE 0400000
#else
#define KERNEL_O_LARGEFILE 0100000
#endif

static const char *const accmode_names[] = { "O_RDONLY", "O_WRONLY", "O_RDWR" };

/*
 * bits: what tells a flag apart (O_SYNC has O_DSYNC's bit, O_TMPFILE
 * O_DIRECTORY's); within: the larger flag it is not named beside.
 */
/* clang-format off */
#define FLAG(f) { #f, f, 0 }
/* clang-format on */
static const struct {
	const char *name;
	unsigned int bits;
	unsigned int within;
} flags_by_name[] = {
	FLAG(O_CREAT),
	FLAG(O_EXCL),
	FLAG(O_NOCTTY),
	FLAG(O_TRUNC),
	FLAG(O_APPEND),
	FLAG(O_NONBLOCK),
	{ "O_SYNC", O_SYNC & ~O_DSYNC, 0 },
	{ "O_DSYNC", O_DSYNC, O_SYNC },
	FLAG(O_ASYNC),
	FLAG(O_DIRECT),
	{ "O_LARGEFILE", KERNEL_O_LARGEFILE, 0 },
	{ "O_TMPFILE", O_TMPFILE & ~O_DIRECTORY, 0 },
	{ "O_DIRECTORY", O_DIRECTORY, O_TMPFILE },
	FLAG(O_NOFOLLOW),
	FLAG(O_NOATIME),
	FLAG(O_CLOEXEC),
	FLAG(O_PATH),
};

/* A number: 0 is O_RDONLY; otherwise only a nonzero access mode is one. */
static void add_number(const char *opt, const char *name, struct open_flags_filter *f)
{
	unsigned long long v;
	char *end;

	v = strtoull(name, &end, 0);
	if (!isdigit((unsigned char)name[0]) || *end || v > UINT_MAX)
		cli_bad_value(opt, name, "not an open flag (e.g. O_WRONLY, O_CREAT)");
	if (!v || (v & O_ACCMODE))
		f->accmodes |= 1u << (v & O_ACCMODE);
	f->any |= v & ~(unsigned long long)O_ACCMODE;
}

static void add_name(const char *opt, const char *list, const char *name,
		     struct open_flags_filter *f)
{
	const char *bare = strncasecmp(name, "O_", 2) ? name : name + 2;
	size_t i;

	if (!*name)
		cli_bad_value(opt, list, "an empty flag name");
	for (i = 0; i < ARRAY_SIZE(accmode_names); i++) {
		if (!strcasecmp(bare, accmode_names[i] + 2)) {
			f->accmodes |= 1u << i;
			return;
		}
	}
	for (i = 0; i < ARRAY_SIZE(flags_by_name); i++) {
		if (!strcasecmp(bare, flags_by_name[i].name + 2)) {
			f->any |= flags_by_name[i].bits;
			return;
		}
	}
	add_number(opt, name, f);
}

void open_flags_parse(const char *opt, const char *list, struct open_flags_filter *f)
{
	char *rest = strdupa(list), *name;

	while ((name = strsep(&rest, ",|")))
		add_name(opt, list, name, f);
}

/* Append name and its NUL at buf + *used if it fits. */
static void add_out(char *buf, size_t len, size_t *used, const char *name)
{
	size_t n = strlen(name) + 1;

	if (*used + n > len)
		return;
	memcpy(buf + *used, name, n);
	*used += n;
}

size_t open_flags_names(unsigned long long flags, char *buf, size_t len)
{
	size_t i, used = 0;

	if ((flags & O_ACCMODE) < ARRAY_SIZE(accmode_names))
		add_out(buf, len, &used, accmode_names[flags & O_ACCMODE]);
	for (i = 0; i < ARRAY_SIZE(flags_by_name); i++) {
		unsigned int bits = flags_by_name[i].bits, within = flags_by_name[i].within;

		if ((flags & bits) == bits && (!within || (flags & within) != within))
			add_out(buf, len, &used, flags_by_name[i].name);
	}
	return used;
}

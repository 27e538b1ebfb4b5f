// SPDX-License-Identifier: GPL-2.0
/* Flag words and command numbers by name; see include/flagnames.h. */
#include <stdio.h>
#include <string.h>

#include "flagnames.h"

/* Append s and its NUL at buf + *off if it fits. */
static void put(char *buf, size_t len, size_t *off, const char *s)
{
	size_t n = strlen(s) + 1;

	if (*off + n <= len) {
		memcpy(buf + *off, s, n);
		*off += n;
	}
}

size_t flag_names(const struct flag_name *t, unsigned long long v, char *buf, size_t len)
{
	unsigned long long rest = v;
	size_t off = 0;
	char hex[24];

	for (; t->name; t++) {
		if (t->value && (rest & t->mask) == t->value) {
			put(buf, len, &off, t->name);
			rest &= ~t->mask;
		}
	}
	if (rest) {
		snprintf(hex, sizeof(hex), "%#llx", rest);
		put(buf, len, &off, hex);
	}
	return off;
}

const char *flags_join(const struct flag_name *t, unsigned long long v, const char *sep, char *buf,
		       size_t len)
{
	char names[512];
	size_t n = flag_names(t, v, names, sizeof(names)), i, o = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	if (!n) {
		snprintf(buf, len, "0x0");
		return buf;
	}
	for (i = 0; i < n && o < len; i += strlen(names + i) + 1)
		o += snprintf(buf + o, len - o, "%s%s", i ? sep : "", names + i);
	return buf;
}

const char *value_name(const struct flag_name *t, unsigned long long v)
{
	for (; t->name; t++) {
		if (t->value == v)
			return t->name;
	}
	return NULL;
}

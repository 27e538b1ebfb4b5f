// SPDX-License-Identifier: GPL-2.0
/* lib/kfuncs.c: the traceable functions of a prefix (vfscount's vfs_*). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kfuncs.h"
#include "unit.h"

static const char listing[] = "vfs_write\n"
			      "do_sys_open\n"
			      "vfs_read\n"
			      "vfs_getattr.isra.0\n"
			      "vfs_open\n"
			      "vfs_read\n" /* a static function of two files */
			      "vfsx\n"
			      "vfs_fallocate [overlay]\n"
			      "avfs_read\n";

static int list(const char *prefix, size_t max, char ***names)
{
	FILE *f = fmemopen((void *)listing, sizeof(listing) - 1, "r");
	int n = kfunc_list_from(f, prefix, max, names);

	fclose(f);
	return n;
}

static void free_names(char **names, int n)
{
	while (n-- > 0)
		free(names[n]);
	free(names);
}

int main(void)
{
	char line[] = "md_flush_request [md_mod]\n", empty[] = "\n", **names;
	char joined[256] = "";
	int n, i;

	CHECK_STR("a module's function: the name alone", kfunc_parse_line(line),
		  "md_flush_request");
	CHECK("an empty line: no name", kfunc_parse_line(empty) == NULL, "got a name");

	n = list("vfs_", 64, &names);
	for (i = 0; i < n; i++)
		snprintf(joined + strlen(joined), sizeof(joined) - strlen(joined), "%s ", names[i]);
	CHECK_STR("vfs_*: sorted, once each, modules' too, no clone, no other prefix", joined,
		  "vfs_fallocate vfs_open vfs_read vfs_write ");
	free_names(names, n);

	n = list("vfs_", 2, &names);
	CHECK("at most max read", n == 2, "got %d", n);
	free_names(names, n);

	n = list("nothing_", 8, &names);
	CHECK("no match: none", n == 0 && names, "got %d", n);
	free_names(names, n);
	return unit_exit();
}

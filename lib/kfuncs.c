// SPDX-License-Identifier: GPL-2.0
/* Kernel functions as the only hooks: see include/kfuncs.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "cli.h"
#include "kbtf.h"
#include "kfuncs.h"
#include "probe.h"

int kfunc_choose(const char *what, struct bpf_program *const *alts, size_t n)
{
	char why_all[1024];
	size_t i, used = 0;
	const char *why;

	for (i = 0; i < n; i++) {
		if (hook_available(alts[i], &why))
			return hook_choose(what, alts, n);
		used += snprintf(why_all + used,
				 used < sizeof(why_all) ? sizeof(why_all) - used : 0, "%s%s %s: %s",
				 i ? "; " : "", hook_kind_name(hook_kind_of(alts[i])),
				 hook_target(alts[i]), why);
	}
	cli_warn("this machine has no hook for %s: %s", what, why_all);
	return -1;
}

char *kfunc_parse_line(char *line)
{
	size_t len = strcspn(line, " \t\n");

	if (!len)
		return NULL;
	line[len] = '\0';
	return line;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort and drop repeats (a static function of two files is listed twice). */
static size_t sort_unique(char **names, size_t n)
{
	size_t i, k = 0;

	qsort(names, n, sizeof(*names), cmp_names);
	for (i = 0; i < n; i++) {
		if (k && !strcmp(names[k - 1], names[i]))
			free(names[i]);
		else
			names[k++] = names[i];
	}
	return k;
}

int kfunc_list_from(FILE *f, const char *prefix, size_t max, char ***names)
{
	size_t plen = strlen(prefix), n = 0;
	char line[512], *name, **v;

	*names = NULL;
	v = calloc(max ? max : 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	while (n < max && fgets(line, sizeof(line), f)) {
		name = kfunc_parse_line(line);
		/* A compiler's clone (vfs_foo.isra.0) is not the function itself. */
		if (!name || strncmp(name, prefix, plen) || strchr(name, '.'))
			continue;
		v[n] = strdup(name);
		if (!v[n])
			break;
		n++;
	}
	*names = v;
	return sort_unique(v, n);
}

int kfunc_list(const char *prefix, size_t max, char ***names)
{
	const char *tracefs = tracefs_path();
	char path[512];
	FILE *f;
	int n;

	*names = NULL;
	if (!tracefs)
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/available_filter_functions", tracefs);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	n = kfunc_list_from(f, prefix, max, names);
	fclose(f);
	return n;
}

int kfunc_fentry_clone(const struct bpf_program *prog, const char *func)
{
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_TRACE_FENTRY);
	const struct kbtf *btf = probe_kernel_btf();
	int id = btf ? kbtf_find_by_name_kind(btf, func, BTF_KIND_FUNC) : -1;
	int fd, link;

	if (id <= 0)
		return -ENOENT;
	opts.attach_btf_id = id;
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, bpf_program__name(prog), "GPL",
			   bpf_program__insns(prog), bpf_program__insn_cnt(prog), &opts);
	if (fd < 0)
		return fd;
	link = bpf_link_create(fd, 0, BPF_TRACE_FENTRY, NULL);
	close(fd);
	return link;
}

// SPDX-License-Identifier: GPL-2.0
/* fentry on functions of modules: see include/modbtf.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "modbtf.h"

bool modbtf_symbol_module(const char *func, char *mod, size_t len)
{
	size_t flen = strlen(func);
	char line[512], *name, *open, *close;
	bool found = false;
	FILE *f = fopen("/proc/kallsyms", "r");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		name = strchr(line, ' ');
		name = name ? strchr(name + 1, ' ') : NULL;
		if (!name || strncmp(name + 1, func, flen) || name[1 + flen] != '\t')
			continue;
		open = strchr(name, '[');
		close = open ? strchr(open, ']') : NULL;
		if (!close || (size_t)(close - open - 1) >= len)
			continue;
		memcpy(mod, open + 1, close - open - 1);
		mod[close - open - 1] = '\0';
		found = true;
	}
	fclose(f);
	return found;
}

/* The id (in the kernel) of the BTF object called name, or -1. */
static int btf_object_id(const char *name)
{
	struct bpf_btf_info info;
	char got[64];
	__u32 id = 0, len;
	int fd, err;

	while (!bpf_btf_get_next_id(id, &id)) {
		fd = bpf_btf_get_fd_by_id(id);
		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		info.name = (__u64)(unsigned long)got;
		info.name_len = sizeof(got);
		len = sizeof(info);
		err = bpf_obj_get_info_by_fd(fd, &info, &len);
		close(fd);
		if (!err && info.kernel_btf && !strcmp(got, name))
			return id;
	}
	return -1;
}

/* Load and attach an empty fentry program on type btf_id of the BTF object obj_fd. */
static bool fentry_attaches(int obj_fd, int btf_id)
{
	const struct bpf_insn insns[] = {
		{ .code = 0xb7, .dst_reg = 0, .imm = 0 }, /* r0 = 0 */
		{ .code = 0x95 },			  /* exit */
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_TRACE_FENTRY,
		    .attach_btf_obj_fd = obj_fd, .attach_btf_id = btf_id);
	int fd, link;

	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, "probe_fentry", "GPL", insns, 2, &opts);
	if (fd < 0)
		return false;
	link = bpf_link_create(fd, 0, BPF_TRACE_FENTRY, NULL);
	if (link >= 0)
		close(link);
	close(fd);
	return link >= 0;
}

bool probe_fentry_module(const char *func)
{
	struct btf *base = NULL, *btf = NULL;
	int id, obj_fd = -1, type_id = -1;
	char mod[64];
	bool ok = false;

	/* Only a function kallsyms places in a module: no BTF parse for the rest. */
	if (!modbtf_symbol_module(func, mod, sizeof(mod)) || (id = btf_object_id(mod)) < 0)
		return false;
	base = btf__load_vmlinux_btf();
	if (base)
		btf = btf__load_from_kernel_by_id_split(id, base);
	if (btf)
		type_id = btf__find_by_name_kind(btf, func, BTF_KIND_FUNC);
	if (type_id > 0 && (obj_fd = bpf_btf_get_fd_by_id(id)) >= 0)
		ok = fentry_attaches(obj_fd, type_id);
	if (obj_fd >= 0)
		close(obj_fd);
	btf__free(btf);
	btf__free(base);
	return ok;
}

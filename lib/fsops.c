// SPDX-License-Identifier: GPL-2.0
/* Hook choice for the file-system tools: see include/fsops.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "fsops.h"
#include "probe.h"
#include "shared.h"

static struct bpf_program *prog_named(struct bpf_object *obj, const char *fmt, const char *name)
{
	char buf[64];

	snprintf(buf, sizeof(buf), fmt, name);
	return bpf_object__find_program_by_name(obj, buf);
}

/* Is func in the BTF of this kernel module (/sys/kernel/btf/MODULE)? */
static bool module_btf_has(const char *module, const char *func)
{
	struct btf *base, *btf;
	char path[128];
	bool found;

	snprintf(path, sizeof(path), "/sys/kernel/btf/%s", module);
	if (access(path, R_OK))
		return false;
	base = btf__parse("/sys/kernel/btf/vmlinux", NULL);
	if (!base)
		return false;
	btf = btf__parse_split(path, base);
	found = btf && btf__find_by_name_kind(btf, func, BTF_KIND_FUNC) > 0;
	btf__free(btf);
	btf__free(base);
	return found;
}

/*
 * fentry/fexit on func: in the kernel's BTF, or its module's (libbpf finds
 * module BTF at load).  Whether the kernel allows fentry at all is probed
 * once, on the first function of the kernel's own BTF.
 */
static bool fentry_works(const struct fstype *fs, const char *func, const char **why)
{
	static int allowed = -1;

	if (hook_avoided("fentry") || hook_avoided("fexit")) {
		*why = "fentry avoided by BPFSCOPE_AVOID";
		return false;
	}
	if (probe_btf_type(func)) {
		if (allowed < 0)
			allowed = probe_fentry(func);
	} else if (!module_btf_has(fs->module, func)) {
		*why = "function not in the kernel's or its module's BTF";
		return false;
	} else if (allowed < 0) {
		allowed = probe_fentry("vfs_read");
	}
	*why = "fentry/fexit programs are refused by this kernel";
	return allowed;
}

static bool kprobe_works(const char *func, const char **why)
{
	if (hook_avoided("kprobe") || hook_avoided("kretprobe")) {
		*why = "kprobe avoided by BPFSCOPE_AVOID";
		return false;
	}
	*why = "no kprobes here (CONFIG_KPROBES) or the function is not in /proc/kallsyms";
	return probe_kprobe(func);
}

static void say_hook(const char *func, const char *kind)
{
	if (common_opts.verbose)
		fprintf(stderr, "%s: %s via %s\n", program_invocation_short_name, func, kind);
}

/* Can every wanted operation be traced at its function?  Sets f->kprobes; why: what not. */
static bool exact_possible(struct fsops *f, char *why, size_t len)
{
	const char *fentry_why, *kprobe_why;
	bool any = false;
	int op;

	for (op = 0; op < FS_OP_MAX; op++) {
		const char *func = f->fs->funcs[op];

		if (!(f->ops & (1u << op)) || !func)
			continue;
		any = true;
		if (fentry_works(f->fs, func, &fentry_why))
			continue;
		if (!kprobe_works(func, &kprobe_why)) {
			snprintf(why, len, "%s: fentry: %s; kprobe: %s", func, fentry_why,
				 kprobe_why);
			return false;
		}
		f->kprobes[op] = true;
	}
	if (!any)
		snprintf(why, len, "%s has no functions to trace", f->fs->name);
	return any;
}

static int keep_exact(struct fsops *f)
{
	struct bpf_object *obj = f->obj;
	const char *name, *func;
	struct bpf_program *p;
	int op, err;

	for (op = 0; op < FS_OP_MAX; op++) {
		func = f->fs->funcs[op];
		name = fs_op_name(op);
		if (!(f->ops & (1u << op)) || !func)
			continue;
		if (f->kprobes[op]) {
			/* Attached by name in fsops_attach: the sections name ext4's. */
			p = prog_named(obj, "%s_kprobe", name);
			bpf_program__set_autoload(p, true);
			bpf_program__set_autoattach(p, false);
			p = bpf_object__find_program_by_name(obj, "fs_kretprobe");
			bpf_program__set_autoload(p, true);
			bpf_program__set_autoattach(p, false);
			say_hook(func, "kprobe");
			say_hook(func, "kretprobe");
			continue;
		}
		p = prog_named(obj, "%s_fentry", name);
		err = bpf_program__set_attach_target(p, 0, func);
		bpf_program__set_autoload(p, true);
		p = prog_named(obj, "%s_fexit", name);
		err = err ?: bpf_program__set_attach_target(p, 0, func);
		bpf_program__set_autoload(p, true);
		if (err) {
			cli_warn("cannot trace %s: its BTF was not found (%s)", func,
				 strerror(-err));
			return -1;
		}
		say_hook(func, "fentry");
		say_hook(func, "fexit");
	}
	return 0;
}

/* raw_syscalls' sys_enter and sys_exit: tp_btf, else raw_tp. */
static int keep_syscalls(struct fsops *f)
{
	static const char *const progs[] = { "sys_enter_btf", "sys_enter_raw", "sys_exit_btf",
					     "sys_exit_raw" };
	__u32 wanted = f->ops;
	size_t i;

	if (obj_set_rodata(f->obj, "fs_ops_wanted", &wanted, sizeof(wanted)))
		return -1;
	for (i = 0; i < ARRAY_SIZE(progs); i++)
		bpf_program__set_autoload(bpf_object__find_program_by_name(f->obj, progs[i]), true);
	return hook_choose_each(f->obj, NULL);
}

int fsops_choose(struct fsops *f, struct bpf_object *obj)
{
	unsigned long magic = f->fs->magic;
	struct bpf_program *p;
	char why[512] = "";

	f->obj = obj;
	bpf_object__for_each_program(p, obj)
	{
		bpf_program__set_autoload(p, false);
	}
	if (obj_set_rodata(obj, "fs_magic", &magic, sizeof(magic))) {
		cli_warn("cannot set the file system's magic number");
		return -1;
	}
	bpf_map__set_max_entries(bpf_object__find_map_by_name(obj, "fsop_starts"),
				 probe_threads_room(1, 1024));
	f->exact = exact_possible(f, why, sizeof(why));
	if (f->exact)
		return keep_exact(f);
	if (common_opts.verbose)
		fprintf(stderr, "%s: %s through system calls (%s)\n", program_invocation_short_name,
			f->fs->name, why);
	return keep_syscalls(f);
}

static int attach_kprobe(struct fsops *f, const char *prog, const char *func, bool ret)
{
	struct bpf_program *p = bpf_object__find_program_by_name(f->obj, prog);
	struct bpf_link *link = bpf_program__attach_kprobe(p, ret, func);

	if (!link) {
		cli_warn("cannot attach a %s to %s: %s", ret ? "kretprobe" : "kprobe", func,
			 strerror(errno));
		return -1;
	}
	f->links[f->nlinks++] = link;
	return 0;
}

/* Stats by path are matched by the device they report: the file system's mounts now. */
static int fill_devs(struct fsops *f)
{
	struct bpf_map *map = bpf_object__find_map_by_name(f->obj, "fs_devs");
	uint32_t devs[FS_DEVS_MAX];
	__u8 one = 1;
	int i, n;

	n = fstype_devs(f->fs, "/proc/self/mountinfo", devs, FS_DEVS_MAX);
	if (n < 0) {
		cli_warn("cannot read /proc/self/mountinfo: %s", strerror(-n));
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (bpf_map__update_elem(map, &devs[i], sizeof(devs[i]), &one, sizeof(one),
					 BPF_ANY))
			return -1;
	}
	return 0;
}

int fsops_attach(void *ctx)
{
	struct fsops *f = ctx;
	char prog[32];
	int op;

	if (!f->exact)
		return (f->ops & (1u << FS_GETATTR)) ? fill_devs(f) : 0;
	for (op = 0; op < FS_OP_MAX; op++) {
		if (!(f->ops & (1u << op)) || !f->fs->funcs[op] || !f->kprobes[op])
			continue;
		snprintf(prog, sizeof(prog), "%s_kprobe", fs_op_name(op));
		if (attach_kprobe(f, prog, f->fs->funcs[op], false) ||
		    attach_kprobe(f, "fs_kretprobe", f->fs->funcs[op], true))
			return -1;
	}
	return 0;
}

void fsops_detach(struct fsops *f)
{
	while (f->nlinks > 0)
		bpf_link__destroy(f->links[--f->nlinks]);
}

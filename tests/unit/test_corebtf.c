// SPDX-License-Identifier: GPL-2.0
/*
 * CO-RE against the cut kernel BTF (lib/corebtf.c) must give the very
 * instructions libbpf gives against the whole kernel BTF.  Every tool's BPF
 * object is loaded both ways on the running kernel and each program that can
 * load here is compared instruction by instruction (map references aside).
 * Run from the top of the tree, as root.
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "corebtf.h"
#include "kbtf.h"
#include "probe.h"
#include "unit.h"

static int silent(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

static void *read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (n = ftell(f)) > 0 && !fseek(f, 0, SEEK_SET)) {
		buf = malloc(n);
		if (buf && fread(buf, 1, n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*size = n;
	}
	fclose(f);
	return buf;
}

/* Load the object, only the programs whose hook this kernel has. */
static struct bpf_object *load(const void *elf, size_t size, const char *btf_path)
{
	LIBBPF_OPTS(bpf_object_open_opts, opts, .btf_custom_path = btf_path);
	struct bpf_object *obj = bpf_object__open_mem(elf, size, &opts);
	struct bpf_program *prog;
	const char *why;

	if (!obj)
		return NULL;
	bpf_object__for_each_program(prog, obj)
		bpf_program__set_autoload(prog, hook_available(prog, &why));
	if (bpf_object__load(obj)) {
		bpf_object__close(obj);
		return NULL;
	}
	return obj;
}

static bool is_map_ref(const struct bpf_insn *insn)
{
	return insn->code == (BPF_LD | BPF_IMM | BPF_DW) && insn->src_reg;
}

/* Index of the first differing instruction, -1 if none. */
static long first_difference(const struct bpf_program *a, const struct bpf_program *b)
{
	const struct bpf_insn *ia = bpf_program__insns(a), *ib = bpf_program__insns(b);
	size_t n = bpf_program__insn_cnt(a), i;

	if (n != bpf_program__insn_cnt(b))
		return 0;
	for (i = 0; i < n; i++) {
		if (is_map_ref(&ia[i]) && is_map_ref(&ib[i]) && ia[i].src_reg == ib[i].src_reg) {
			i++; /* the fd is in both halves of ld_imm64 */
			continue;
		}
		if (memcmp(&ia[i], &ib[i], sizeof(ia[i])))
			return i;
	}
	return -1;
}

static void compare_object(const char *path)
{
	const char *tool = strrchr(path, '/') + 1, *why = NULL, *btf_path;
	struct bpf_object *cut = NULL, *whole = NULL;
	struct bpf_program *prog;
	size_t size = 0, cut_size = 0;
	void *elf = read_file(path, &size);
	void *raw = elf ? corebtf_build(elf, size, &cut_size, &why) : NULL;
	char name[256];
	int compared = 0;

	snprintf(name, sizeof(name), "%s: a kernel BTF is cut for it", tool);
	CHECK(name, raw, "%s", why ? why : "cannot read the object");
	snprintf(name, sizeof(name), "%s: the cut BTF is small", tool);
	CHECK(name, raw && cut_size < 64 * 1024, "%zu bytes", cut_size);
	free(raw);
	btf_path = elf ? corebtf_for_object(elf, size, &why) : NULL;
	if (btf_path)
		cut = load(elf, size, btf_path);
	whole = load(elf, size, NULL);
	snprintf(name, sizeof(name), "%s: loads both ways", tool);
	CHECK(name, cut && whole, "cut %s, whole %s", cut ? "loaded" : "failed",
	      whole ? "loaded" : "failed");
	for (prog = cut && whole ? bpf_object__next_program(cut, NULL) : NULL; prog;
	     prog = bpf_object__next_program(cut, prog)) {
		struct bpf_program *other;
		long at;

		if (!bpf_program__autoload(prog))
			continue;
		other = bpf_object__find_program_by_name(whole, bpf_program__name(prog));
		at = other ? first_difference(prog, other) : 0;
		snprintf(name, sizeof(name), "%s: %s relocated alike", tool, bpf_program__name(prog));
		CHECK(name, at < 0, "first difference at instruction %ld", at);
		compared++;
	}
	snprintf(name, sizeof(name), "%s: some program compared", tool);
	/* Every program is compared that this kernel has the hook of. */
	if (cut && !compared)
		SKIP(name, "none of its hooks exists on this kernel (fentry and kprobes only)");
	bpf_object__close(cut);
	bpf_object__close(whole);
	corebtf_release();
	free(elf);
}

int main(void)
{
	glob_t objs;
	size_t i;

	libbpf_set_print(silent);
	if (!kbtf_kernel()) {
		printf("skip - corebtf: the kernel has no BTF\n");
		return 0;
	}
	if (glob("build/tools/*/*.bpf.o", 0, NULL, &objs) || !objs.gl_pathc) {
		CHECK("corebtf: BPF objects found under build/tools", 0, "run from the top of the tree");
		return unit_exit();
	}
	for (i = 0; i < objs.gl_pathc; i++)
		compare_object(objs.gl_pathv[i]);
	globfree(&objs);
	kbtf_release();
	return unit_exit();
}

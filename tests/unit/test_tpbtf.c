// SPDX-License-Identifier: GPL-2.0
/*
 * Our SEC("tp_btf/") handler (lib/tpbtf.c) must give each tp_btf program the
 * btf_trace_<tp> id libbpf would have found in the whole kernel BTF, and the
 * programs must attach.  Every tool object with a tp_btf program this kernel
 * has is loaded through it.  Run from the top of the tree, as root.
 */
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "kbtf.h"
#include "probe.h"
#include "tpbtf.h"
#include "unit.h"

static struct btf *vmlinux; /* libbpf's own parse: what the ids must match */

static bool is_tp_btf(const struct bpf_program *prog)
{
	return !strncmp(bpf_program__section_name(prog), "tp_btf/", 7);
}

/* The object with the programs whose hook this kernel has set to load; NULL if none is tp_btf. */
static struct bpf_object *open_object(const char *path)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	struct bpf_program *prog;
	int tp_btf = 0;
	const char *why;

	if (!obj)
		return NULL;
	bpf_object__for_each_program(prog, obj)
	{
		bpf_program__set_autoload(prog, hook_available(prog, &why));
		tp_btf += bpf_program__autoload(prog) && is_tp_btf(prog);
	}
	if (!tp_btf) {
		bpf_object__close(obj);
		return NULL;
	}
	return obj;
}

static int expected_id(const struct bpf_program *prog)
{
	char name[160];

	snprintf(name, sizeof(name), "btf_trace_%s", bpf_program__section_name(prog) + 7);
	return btf__find_by_name_kind(vmlinux, name, BTF_KIND_TYPEDEF);
}

static void check_program(const char *tool, struct bpf_program *prog)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);
	struct bpf_link *link;
	char name[256];
	int want = expected_id(prog);

	snprintf(name, sizeof(name), "%s: %s has its tracepoint's BTF id", tool,
		 bpf_program__name(prog));
	if (bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &len)) {
		CHECK(name, 0, "no program info");
		return;
	}
	CHECK(name, want > 0 && info.attach_btf_id == (__u32)want, "got %u, libbpf finds %d",
	      info.attach_btf_id, want);
	snprintf(name, sizeof(name), "%s: %s attaches", tool, bpf_program__name(prog));
	link = bpf_program__attach(prog);
	CHECK(name, link, "%s", strerror(errno));
	bpf_link__destroy(link);
}

/*
 * A tp_btf program given no id fails to load rather than attach to a wrong
 * target.  Run before any tpbtf_prepare(), which the handler would remember.
 */
static void test_unprepared(const glob_t *objs)
{
	struct bpf_object *obj = NULL;

	for (size_t i = 0; !obj && i < objs->gl_pathc; i++)
		obj = open_object(objs->gl_pathv[i]);
	if (!obj)
		return;
	CHECK("tpbtf: an unprepared tp_btf program does not load", bpf_object__load(obj),
	      "it loaded");
	bpf_object__close(obj);
}

/* Returns whether the object had a tp_btf program to test. */
static bool test_object(const char *path)
{
	const char *tool = strrchr(path, '/') + 1;
	struct bpf_object *obj = open_object(path);
	struct bpf_program *prog;
	char name[256];
	int err;

	if (!obj)
		return false;
	err = tpbtf_prepare(obj);
	snprintf(name, sizeof(name), "%s: prepared", tool);
	CHECK(name, !err, "%s", strerror(-err));
	err = err ? err : bpf_object__load(obj);
	snprintf(name, sizeof(name), "%s: loads", tool);
	CHECK(name, !err, "%s", strerror(-err));
	bpf_object__for_each_program(prog, obj)
	{
		if (!err && bpf_program__autoload(prog) && is_tp_btf(prog))
			check_program(tool, prog);
	}
	bpf_object__close(obj);
	return true;
}

int main(void)
{
	size_t i, tested = 0;
	glob_t objs;

	libbpf_set_print(NULL);
	vmlinux = btf__load_vmlinux_btf();
	if (!kbtf_kernel() || !vmlinux) {
		printf("skip - tpbtf: the kernel has no BTF\n");
		return 0;
	}
	CHECK("tpbtf: the handler registers", !tpbtf_register(), "libbpf refused it");
	CHECK("tpbtf: registering again is harmless", !tpbtf_register(), "second call failed");
	if (glob("build/tools/*/*.bpf.o", 0, NULL, &objs) || !objs.gl_pathc) {
		CHECK("tpbtf: BPF objects found under build/tools", 0,
		      "run from the top of the tree");
		return unit_exit();
	}
	test_unprepared(&objs);
	for (i = 0; i < objs.gl_pathc; i++)
		tested += test_object(objs.gl_pathv[i]);
	if (tested)
		CHECK("tpbtf: some object has tp_btf programs here", tested, "none");
	else
		printf("skip - tpbtf: no tool has a tp_btf program this kernel can load\n");
	globfree(&objs);
	btf__free(vmlinux);
	kbtf_release();
	return unit_exit();
}

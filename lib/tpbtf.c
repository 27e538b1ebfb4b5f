// SPDX-License-Identifier: GPL-2.0
/* tp_btf programs without libbpf's parse of the kernel BTF; see include/tpbtf.h. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "kbtf.h"
#include "tpbtf.h"

/*
 * tp_btf programs make libbpf parse the whole kernel BTF, as CO-RE does
 * (lib/corebtf.c): it looks up the btf_trace_<event> typedef to tell the
 * kernel what the program attaches to.
 * We look it up in the kbtf view instead and hand libbpf the id through a
 * handler of our own for SEC("tp_btf/..."), which libbpf lets override its own.
 * libbpf skips its parse for a tracing program that attaches to another BPF
 * program, so until the id is filled in the program says it does (attach_prog_fd).
 */
#define TP_BTF_MAX    16
#define NOT_A_PROG_FD INT_MAX /* stored by libbpf, replaced before use */

static struct {
	const struct bpf_program *prog;
	int btf_id;
} tp_btf_ids[TP_BTF_MAX];
static int nr_tp_btf_ids;

static int tp_btf_prepare_load(struct bpf_program *prog, struct bpf_prog_load_opts *opts,
			       long cookie)
{
	int i;

	(void)cookie;
	for (i = 0; i < nr_tp_btf_ids; i++) {
		if (tp_btf_ids[i].prog == prog) {
			opts->attach_prog_fd = 0;
			opts->attach_btf_obj_fd = 0;
			opts->attach_btf_id = tp_btf_ids[i].btf_id;
			return 0;
		}
	}
	return -ESRCH;
}

static int tp_btf_attach(const struct bpf_program *prog, long cookie, struct bpf_link **link)
{
	(void)cookie;
	*link = bpf_program__attach_trace(prog);
	return *link ? 0 : -errno;
}

int tpbtf_register(void)
{
	LIBBPF_OPTS(libbpf_prog_handler_opts, handler, .prog_prepare_load_fn = tp_btf_prepare_load,
		    .prog_attach_fn = tp_btf_attach);
	static int registered;

	if (!registered)
		registered = libbpf_register_prog_handler("tp_btf/", BPF_PROG_TYPE_TRACING,
							  BPF_TRACE_RAW_TP, &handler) >= 0
				     ? 1
				     : -1;
	return registered > 0 ? 0 : -ENOTSUP;
}

int tpbtf_prepare(struct bpf_object *obj)
{
	const struct kbtf *k = kbtf_kernel();
	struct bpf_program *prog;
	char name[160];
	int id;

	nr_tp_btf_ids = 0;
	bpf_object__for_each_program(prog, obj)
	{
		const char *sec = bpf_program__section_name(prog);

		if (!bpf_program__autoload(prog) || strncmp(sec, "tp_btf/", 7))
			continue;
		snprintf(name, sizeof(name), "btf_trace_%s", sec + 7);
		id = k ? kbtf_find_by_name_kind(k, name, BTF_KIND_TYPEDEF) : -ENOENT;
		if (id <= 0 || nr_tp_btf_ids == TP_BTF_MAX)
			return id <= 0 ? -ESRCH : -E2BIG;
		tp_btf_ids[nr_tp_btf_ids].prog = prog;
		tp_btf_ids[nr_tp_btf_ids++].btf_id = id;
		bpf_program__set_attach_target(prog, NOT_A_PROG_FD, NULL);
	}
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * High-level language runtimes and their USDT method probes (ucalls, uflow):
 * which probes mark a method's entry and return, where the probes are (the
 * runtime's program or library), which arguments carry the class and method
 * names (the BPF side reads them with include/bpf/ulang.bpf.h), and which
 * runtime a process runs.
 */
#ifndef BPFSCOPE_ULANG_H
#define BPFSCOPE_ULANG_H

#include <sys/types.h>

#include "usdt.h"

struct bpf_object;
struct bpf_program;

struct ulang {
	const char *name;     /* as -l takes it: "python" */
	const char *provider; /* of its probes: "python", "hotspot" */
	const char *entry[3]; /* probe names, NULL-ended */
	const char *ret[3];
	/* USDT arguments (from 0) with the class and method names, and their lengths; -1: none */
	int class_arg, class_len_arg, method_arg, method_len_arg;
	const char *objects[5]; /* where the probes may be (include/usdt.h's names), NULL-ended */
	const char *hint;	/* when the probes fire only if the runtime is told to; or NULL */
};

/* The runtime -l names; NULL if none. */
const struct ulang *ulang_by_name(const char *name);
/* "java, perl, php, python, ruby, tcl" */
const char *ulang_names(void);
/* The runtime process pid runs (its program or a library it maps); NULL if none known. */
const struct ulang *ulang_detect(pid_t pid);
/* Where lang's entry probe is, for pid (-1: every process): as usdt_find. */
int ulang_find(struct utarget *t, const struct ulang *lang, pid_t pid);
/* The same for another probe of its provider (javagc: hotspot:gc__begin). */
int ulang_find_probe(struct utarget *t, const struct ulang *lang, pid_t pid, const char *probe);
/* Before load: tell include/bpf/ulang.bpf.h where lang's names are.  0 or -1. */
int ulang_set_args(struct bpf_object *obj, const struct ulang *lang);
/*
 * Attach entry (if not NULL) at each entry probe of lang in t, and ret (if
 * not NULL) at each return probe.  0, or -1 after a one-line message.
 */
int ulang_attach(struct usdt_links *l, const struct ulang *lang, const struct utarget *t,
		 struct bpf_program *entry, struct bpf_program *ret);

#endif

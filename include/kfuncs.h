/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tools whose only hooks are kernel functions (fentry/fexit, kprobes):
 * dcsnoop, dcstat, vfscount.  The choice that says in one line what this
 * machine lacks when none works, the traceable functions of a name prefix,
 * and one fentry program's code put on more functions.
 */
#ifndef BPFSCOPE_KFUNCS_H
#define BPFSCOPE_KFUNCS_H

#include <stddef.h>
#include <stdio.h>
#include <bpf/libbpf.h>

/*
 * As hook_choose (include/probe.h), but when no alternative works here the
 * one line is "TOOL: this machine has no hook for WHAT: KIND TARGET: WHY;
 * ...", the form the common tests expect of a tool that cannot run here.
 */
int kfunc_choose(const char *what, struct bpf_program *const *alts, size_t n);

/*
 * The functions ftrace can trace (tracefs available_filter_functions) whose
 * name starts with prefix, of vmlinux and modules, sorted and unique, at most
 * max, into names (each to free, then the array).  Returns how many, or -errno.
 */
int kfunc_list(const char *prefix, size_t max, char ***names);
/* The same, from a file of that format. */
int kfunc_list_from(FILE *f, const char *prefix, size_t max, char ***names);
/* Parse one line of available_filter_functions ("name", "name [mod]"): the name, or NULL. */
char *kfunc_parse_line(char *line);

/*
 * Load the code of a loaded fentry program again, attached to func (a
 * vmlinux function): a tracing program is tied to one function, so counting
 * calls of many functions takes one per function.  Returns the link's fd
 * (it holds the program), or -errno.
 */
int kfunc_fentry_clone(const struct bpf_program *prog, const char *func);

#endif

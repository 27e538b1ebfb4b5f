/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel functions that live in a module (md_flush_request in Debian's
 * md-mod, the xfs, btrfs and nfs functions): their BTF is the module's
 * (/sys/kernel/btf/MODULE, split on vmlinux), which libbpf searches by itself
 * when it loads an fentry program, but the probes of include/probe.h, which
 * read only vmlinux, do not.
 */
#ifndef BPFSCOPE_MODBTF_H
#define BPFSCOPE_MODBTF_H

#include <stdbool.h>
#include <stddef.h>

/* The module a kernel text symbol is in (/proc/kallsyms "[mod]"): false if none or not found. */
bool modbtf_symbol_module(const char *func, char *mod, size_t len);

/*
 * Is func a function of a loaded module's BTF, and does the kernel take an
 * fentry program on it (a tiny one, loaded and attached)?
 */
bool probe_fentry_module(const char *func);

#endif

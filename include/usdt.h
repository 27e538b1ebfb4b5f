/* SPDX-License-Identifier: GPL-2.0 */
/*
 * USDT probes (statically defined tracepoints in user programs: the JVM's
 * hotspot:gc__begin, python:function__entry, postgresql:query__start): the
 * probes an object has, read from its .note.stapsdt as the hostile-file
 * layer reads it (include/untrusted.h, elfsyms.h); which object of a process,
 * or of this machine, has a given probe; and a set of USDT attachments that
 * a tool destroys in one call.  Attaching itself is include/uprobes.h's
 * usdt_attach (libbpf's USDT support).
 */
#ifndef BPFSCOPE_USDT_H
#define BPFSCOPE_USDT_H

#include <stdbool.h>
#include <sys/types.h>

#include "uprobes.h"

/*
 * Each USDT probe of t's file, in the order of its notes (a probe placed
 * at several sites comes once per site).  Stops when fn returns non-zero.
 * Returns how many were given, or -errno (the object could not be read).
 */
typedef int (*usdt_fn)(void *ctx, const char *provider, const char *name);
int usdt_each(const struct utarget *t, usdt_fn fn, void *ctx);

/* Does t's file have the probe provider:name? */
bool usdt_has(const struct utarget *t, const char *provider, const char *name);

/*
 * Where a probe is, for process pid (-1: for every process).  For a process:
 * its program, else the first of names (include/uprobes.h's names: "libjvm.so",
 * "libpython3") it maps that has the probe.  For every process: the first of
 * names found (PATH, ld.so.cache, library directories; a name with '/' is a
 * path, and may be a glob: the last match in sort order, the newest version)
 * that has the probe.  names ends with NULL.  0, or -ENOENT/-ESRCH after one
 * line on stderr: "TOOL: no process PID", "TOOL: process PID has no USDT
 * probe P:N (in FILE, LIB...)", or, for every process, "TOOL: this machine
 * has no WHAT with USDT probe P:N (looked for NAMES)".
 */
int usdt_find(struct utarget *t, pid_t pid, const char *const *names, const char *what,
	      const char *provider, const char *name);

/* USDT links a tool attached itself: usdt_links_destroy before the skeleton's destroy. */
#define USDT_LINKS_MAX 64
struct usdt_links {
	struct bpf_link *links[USDT_LINKS_MAX];
	int n;
};

/* usdt_attach, the link kept in l; -1 after usdt_attach's message (or when l is full). */
int usdt_links_attach(struct usdt_links *l, struct bpf_program *prog, const struct utarget *t,
		      const char *provider, const char *name);
void usdt_links_destroy(struct usdt_links *l);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Probing code in user space: a program or library named as a user names it
 * ("c", "libssl", "libc.so.6", "bash", a path), found the way the dynamic
 * loader and the shell would find it, inside the root of the process traced;
 * functions by name or glob over its ELF symbols; uprobes, uretprobes and
 * USDT probes attached with a one-line error that names what is missing.
 * Every file is opened as the hostile-file layer opens it (untrusted.h).
 */
#ifndef BPFSCOPE_UPROBES_H
#define BPFSCOPE_UPROBES_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct bpf_link;
struct bpf_program;

struct utarget {
	pid_t pid;	       /* the process it was found for; -1: every process */
	char path[PATH_MAX];   /* as that process sees it ("/usr/lib/.../libc.so.6") */
	char attach[PATH_MAX]; /* where the kernel finds it: path, or /proc/PID/root/path */
};

/*
 * Find name for pid (-1: for every process, in this tool's root).  A name
 * with a '/' is a path (inside the process's root).  Otherwise, in order: an
 * object the process has mapped (/proc/PID/maps: "c" and "libc" find
 * libc.so.6, "python3" the running python3.11); a program on PATH (for a
 * process with a root of its own, the usual bin directories there); the
 * loader's cache (ld.so.cache); the usual library directories.  Only a
 * regular file is found.  0, or -ENOENT/-ESRCH/-errno after a one-line
 * message on stderr ("TOOL: libfoo: no such library or program ...").
 */
int utarget_find(struct utarget *t, pid_t pid, const char *name);
/* The same without the message. */
int utarget_lookup(struct utarget *t, pid_t pid, const char *name);

/* The program process pid runs (/proc/PID/exe, inside its root).  As utarget_find. */
int utarget_exe(struct utarget *t, pid_t pid);

/* Whether process pid maps t's file (the same device and inode). */
bool utarget_mapped_by(const struct utarget *t, pid_t pid);

/*
 * Each distinct function of t whose name matches pattern (fnmatch(3) glob;
 * a name without glob characters matches itself and its versioned names,
 * "pthread_create@@GLIBC_2.34"), with the file offset a uprobe takes; a
 * function known by several names is given once.  Stops when fn returns
 * non-zero; fn NULL: only counts.  Returns how many were given, or -errno (the object could not be
 * read; no message).
 */
typedef int (*ufunc_fn)(void *ctx, const char *name, uint64_t offset);
int ufuncs_each(const struct utarget *t, const char *pattern, ufunc_fn fn, void *ctx);

/*
 * The file offsets of n functions of t by exact name (versions aside), with
 * one read of its symbols: offsets[i] 0 when it has no names[i].  Returns how
 * many were found, or -errno (no message).
 */
int ufuncs_offsets(const struct utarget *t, const char *const *names, uint64_t *offsets, size_t n);

/* The file offset of function name in t; 0 (after a one-line message) when it has none. */
uint64_t ufunc_offset(const struct utarget *t, const char *name);

/*
 * Attach prog at function func of t (a uretprobe if ret), for t's process
 * only when t->pid > 0.  NULL after a one-line message.  With -v, says
 * "TOOL: FUNC via uprobe" (or uretprobe; tests/paths.sh reads it) and where.
 */
struct bpf_link *uprobe_attach(struct bpf_program *prog, const struct utarget *t, const char *func,
			       bool ret);
/*
 * The same at a file offset already found (ufuncs_each): many functions of one
 * object are probed with one read of its symbols.  func names it in messages.
 */
struct bpf_link *uprobe_attach_at(struct bpf_program *prog, const struct utarget *t,
				  const char *func, uint64_t offset, bool ret);

/*
 * Attach prog at every USDT probe provider:name of t (libbpf's USDT support:
 * the BPF side includes <bpf/usdt.bpf.h> and reads arguments with
 * bpf_usdt_arg(); semaphores are counted by the kernel), for t's process only
 * when t->pid > 0.  NULL after a one-line message ("... has no USDT probe
 * provider:name" when it has none).  With -v: "TOOL: PROVIDER:NAME via usdt".
 */
struct bpf_link *usdt_attach(struct bpf_program *prog, const struct utarget *t,
			     const char *provider, const char *name);

/*
 * The links a tool attached itself.  Each perf-event uprobe's removal waits
 * for the kernel (~0.1 s each here, mostly serialised): ulinks_destroy removes
 * them from parallel threads (26 probes: 1.8 s instead of 2.6 s); a
 * uprobe_multi link (uprobes_attach) removes all of its probes with one wait.
 */
struct ulinks {
	struct bpf_link **v;
	size_t n;
	int *fds; /* uprobe_multi links (libbpf 1.1 has no bpf_link for them) */
	size_t nfds;
};

/* Keep link; -1 (nothing kept) when it is NULL (its attach failed) or memory ran out. */
int ulinks_add(struct ulinks *l, struct bpf_link *link);
/* Detach and free every link kept; l is empty again. */
void ulinks_destroy(struct ulinks *l);

/*
 * Before load: let prog attach as uprobe_multi links (Linux 6.6), one per
 * uprobes_attach call, if this kernel has them and BPFSCOPE_AVOID does not
 * name "uprobe_multi".  Returns whether it will.
 */
bool uprobe_multi_prepare(struct bpf_program *prog);

/*
 * Attach prog at functions funcs[0..n) of t (uretprobes if ret), each with
 * its BPF cookie (bpf_get_attach_cookie(): Linux 5.15), for t's process only
 * when t->pid > 0; kept in l.  One uprobe_multi link if prog was prepared
 * for it, else a uprobe per function.  -1 after a one-line message.  With -v:
 * "TOOL: FUNC via KIND" for each (uprobe, uretprobe, uprobe_multi,
 * uretprobe_multi).
 */
int uprobes_attach(struct ulinks *l, struct bpf_program *prog, const struct utarget *t,
		   const char *const *funcs, const uint64_t *cookies, size_t n, bool ret);
/* The same at file offsets already found (ufuncs_offsets); funcs name them in messages. */
int uprobes_attach_at(struct ulinks *l, struct bpf_program *prog, const struct utarget *t,
		      const char *const *funcs, const uint64_t *offsets, const uint64_t *cookies,
		      size_t n, bool ret);

#endif

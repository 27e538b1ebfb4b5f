// SPDX-License-Identifier: GPL-2.0
/* Probing code in user space: see include/uprobes.h. */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "elfsyms.h"
#include "probe.h"
#include "ldcache.h"
#include "shared.h"
#include "untrusted.h"
#include "uprobes.h"

static const char *const bin_dirs[] = { "/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
					"/usr/bin",	   "/sbin",	     "/bin" };
static const char *const lib_dirs[] = {
#if defined(__x86_64__)
	"/lib/x86_64-linux-gnu",
	"/usr/lib/x86_64-linux-gnu",
#elif defined(__aarch64__)
	"/lib/aarch64-linux-gnu",
	"/usr/lib/aarch64-linux-gnu",
#endif
	"/lib64",
	"/usr/lib64",
	"/lib",
	"/usr/lib",
	"/usr/local/lib",
};

/* t->path is found: a regular file inside the process's root.  Set t->attach. */
static bool target_set(struct utarget *t, const struct proc_root *root, const char *path)
{
	struct stat st;
	int fd;

	if (strlen(path) >= sizeof(t->path) || path[0] != '/')
		return false;
	fd = untrusted_open(root, path, &st);
	if (fd < 0)
		return false;
	close(fd);
	snprintf(t->path, sizeof(t->path), "%s", path);
	if (t->pid > 0 && !root->ours)
		snprintf(t->attach, sizeof(t->attach), "/proc/%d/root%s", t->pid, path);
	else
		snprintf(t->attach, sizeof(t->attach), "%s", path);
	return true;
}

/* A file name matches name as the loader's cache matches it, or as a program name. */
static bool base_matches(const char *base, const char *name)
{
	size_t n = strlen(name);

	if (!strcmp(base, name))
		return true;
	if (!strncmp(base, "lib", 3) && !strncmp(base + 3, name, n) &&
	    !strncmp(base + 3 + n, ".so", 3))
		return true;
	if (strncmp(base, name, n))
		return false;
	/* "libc" finds libc.so.6 and libc-2.31.so; "python3" finds python3.11. */
	return !strncmp(base + n, ".so", 3) || base[n] == '-' || base[n] == '.';
}

/*
 * Call fn for each file mapping of process pid (its device, inode and path as
 * the process sees it) until fn returns true; returns whether one did.
 */
static bool maps_any(pid_t pid, bool (*fn)(void *ctx, dev_t dev, ino_t ino, const char *path),
		     void *ctx)
{
	char fname[64], *line = NULL;
	unsigned int maj, min;
	unsigned long long ino;
	size_t cap = 0;
	bool found = false;
	FILE *f;
	int pos;

	snprintf(fname, sizeof(fname), "/proc/%d/maps", pid);
	f = fopen(fname, "re");
	if (!f)
		return false;
	while (!found && getline(&line, &cap, f) > 0) {
		pos = 0;
		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "%*x-%*x %*s %*x %x:%x %llu %n", &maj, &min, &ino, &pos) != 3 ||
		    !pos || line[pos] != '/')
			continue;
		found = fn(ctx, makedev(maj, min), ino, line + pos);
	}
	free(line);
	fclose(f);
	return found;
}

struct mapped_name {
	struct utarget *t;
	const struct proc_root *root;
	const char *name;
};

static bool take_if_named(void *ctx, dev_t dev, ino_t ino, const char *path)
{
	struct mapped_name *m = ctx;

	(void)dev;
	(void)ino;
	return base_matches(strrchr(path, '/') + 1, m->name) && target_set(m->t, m->root, path);
}

/* The first file the process maps whose name matches. */
static bool find_mapped(struct utarget *t, const struct proc_root *root, const char *name)
{
	struct mapped_name m = { t, root, name };

	return maps_any(t->pid, take_if_named, &m);
}

static bool find_in_dirs(struct utarget *t, const struct proc_root *root, const char *name,
			 const char *const *dirs, size_t ndirs, bool as_lib)
{
	char path[PATH_MAX];
	size_t i;

	for (i = 0; i < ndirs; i++) {
		snprintf(path, sizeof(path), "%s/%s", dirs[i], name);
		if (target_set(t, root, path))
			return true;
		if (!as_lib)
			continue;
		snprintf(path, sizeof(path), "%s/lib%s.so", dirs[i], name);
		if (target_set(t, root, path))
			return true;
	}
	return false;
}

/* A program on this tool's PATH (for a process in this tool's root). */
static bool find_on_path(struct utarget *t, const struct proc_root *root, const char *name)
{
	const char *env = getenv("PATH");
	char *dirs, *dir, *save = NULL;
	bool found = false;

	if (!root->ours || !env)
		return find_in_dirs(t, root, name, bin_dirs, ARRAY_SIZE(bin_dirs), false);
	dirs = strdup(env);
	for (dir = dirs ? strtok_r(dirs, ":", &save) : NULL; dir && !found;
	     dir = strtok_r(NULL, ":", &save))
		found = dir[0] == '/' &&
			find_in_dirs(t, root, name, (const char *[]){ dir }, 1, false);
	free(dirs);
	return found;
}

struct cache_ctx {
	struct utarget *t;
	const struct proc_root *root;
};

static int try_cached(void *ctx, const char *path)
{
	struct cache_ctx *c = ctx;
	struct elfsyms_file ef = { .fd = -1 };
	bool ours;

	/* The cache lists libraries of other ABIs too (lib32): take one this machine runs. */
	ours = !elfsyms_open(&ef, c->root, path);
	elfsyms_close(&ef);
	return ours && target_set(c->t, c->root, path);
}

static bool find_in_cache(struct utarget *t, const struct proc_root *root, const char *name)
{
	struct cache_ctx ctx = { t, root };
	struct stat st;
	char *buf;
	ssize_t n = -1;
	int fd = untrusted_open(root, "/etc/ld.so.cache", &st);

	if (fd < 0)
		return false;
	buf = st.st_size > 0 && st.st_size <= LDCACHE_MAX ? malloc(st.st_size) : NULL;
	if (buf)
		n = pread(fd, buf, st.st_size, 0);
	close(fd);
	n = n == st.st_size ? ldcache_lookup(buf, n, name, try_cached, &ctx) : 0;
	free(buf);
	return n > 0;
}

static bool looks_like_library(const char *name)
{
	return !strncmp(name, "lib", 3) || strstr(name, ".so");
}

static bool find(struct utarget *t, const struct proc_root *root, const char *name)
{
	char abs[PATH_MAX];

	if (strchr(name, '/') && name[0] != '/') {
		/* Relative: to this tool's directory, for a target in this tool's root. */
		if (!root->ours || !getcwd(abs, sizeof(abs)) ||
		    strlen(abs) + 1 + strlen(name) >= sizeof(abs))
			return false;
		strcat(strcat(abs, "/"), name);
		return target_set(t, root, abs);
	}
	if (strchr(name, '/'))
		return target_set(t, root, name);
	if (t->pid > 0 && find_mapped(t, root, name))
		return true;
	if (!looks_like_library(name) && find_on_path(t, root, name))
		return true;
	return find_in_cache(t, root, name) ||
	       find_in_dirs(t, root, name, lib_dirs, ARRAY_SIZE(lib_dirs), true);
}

int utarget_lookup(struct utarget *t, pid_t pid, const char *name)
{
	struct proc_root root;
	bool found;
	int err;

	memset(t, 0, sizeof(*t));
	t->pid = pid > 0 ? pid : -1;
	err = proc_root_open(pid > 0 ? pid : 0, &root);
	if (err)
		return err == -ENOENT ? -ESRCH : err;
	found = find(t, &root, name);
	proc_root_close(&root);
	return found ? 0 : -ENOENT;
}

int utarget_find(struct utarget *t, pid_t pid, const char *name)
{
	int err = utarget_lookup(t, pid, name);

	if (err == -ESRCH)
		fprintf(stderr, "%s: no process %d\n", program_invocation_short_name, pid);
	else if (err && pid > 0)
		fprintf(stderr, "%s: %s: no such library or program for process %d\n",
			program_invocation_short_name, name, pid);
	else if (err)
		fprintf(stderr, "%s: %s: no such library or program (PATH, ld.so.cache, %s)\n",
			program_invocation_short_name, name, lib_dirs[0]);
	return err;
}

int utarget_exe(struct utarget *t, pid_t pid)
{
	struct proc_root root;
	char link[64], path[PATH_MAX];
	ssize_t n;
	bool found = false;

	memset(t, 0, sizeof(*t));
	t->pid = pid;
	if (pid <= 0 || proc_root_open(pid, &root)) {
		fprintf(stderr, "%s: no process %d\n", program_invocation_short_name, pid);
		return -ESRCH;
	}
	snprintf(link, sizeof(link), "/proc/%d/exe", pid);
	n = readlink(link, path, sizeof(path) - 1);
	if (n > 0) {
		path[n] = '\0';
		found = target_set(t, &root, path);
	}
	proc_root_close(&root);
	if (found)
		return 0;
	fprintf(stderr, "%s: process %d: its program cannot be read (a kernel thread, or gone)\n",
		program_invocation_short_name, pid);
	return -ENOENT;
}

static bool same_inode(void *ctx, dev_t dev, ino_t ino, const char *path)
{
	const struct stat *st = ctx;

	(void)path;
	return dev == st->st_dev && ino == st->st_ino;
}

bool utarget_mapped_by(const struct utarget *t, pid_t pid)
{
	struct stat st;

	return !stat(t->attach, &st) && maps_any(pid, same_inode, &st);
}

static bool has_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* name without its version ("@@GLIBC_2.34") matches pattern. */
static bool func_matches(const char *name, const char *pattern)
{
	size_t len = strcspn(name, "@");
	char bare[256];

	if (!has_glob(pattern))
		return !strncmp(name, pattern, len) && !pattern[len];
	if (len >= sizeof(bare))
		return false;
	memcpy(bare, name, len);
	bare[len] = '\0';
	return !fnmatch(pattern, bare, 0);
}

static int read_target(const struct utarget *t, struct elfsyms *es)
{
	struct elfsyms_file ef = { .fd = -1 };
	struct proc_root root;
	int err = proc_root_open(t->pid > 0 ? t->pid : 0, &root);

	if (!err)
		err = elfsyms_open(&ef, &root, t->path);
	if (!err)
		err = elfsyms_read(es, &ef, t->path, &root);
	elfsyms_close(&ef);
	proc_root_close(&root);
	return err;
}

int ufuncs_each(const struct utarget *t, const char *pattern, ufunc_fn fn, void *ctx)
{
	struct elfsyms es = { .all_names = true };
	uint64_t off, last = 0;
	int n = 0;
	size_t i;
	int err = read_target(t, &es);

	/* Every name of an address (all_names), sorted by address: an offset is given once. */
	for (i = 0; !err && i < es.tab.n; i++) {
		const struct symbol *s = &es.tab.syms[i];
		const char *name = es.tab.strs + s->name;

		if (!func_matches(name, pattern) || !elfsyms_offset(&es, s->addr, &off) ||
		    off == last)
			continue;
		last = off;
		n++;
		if (fn && fn(ctx, name, off))
			break;
	}
	elfsyms_free(&es);
	return err ? err : n;
}

int ufuncs_offsets(const struct utarget *t, const char *const *names, uint64_t *offsets, size_t n)
{
	struct elfsyms es = { .all_names = true };
	int err = read_target(t, &es), found = 0;
	uint64_t off;

	memset(offsets, 0, n * sizeof(*offsets));
	for (size_t i = 0; !err && i < es.tab.n; i++) {
		const struct symbol *s = &es.tab.syms[i];
		const char *name = es.tab.strs + s->name;

		for (size_t k = 0; k < n; k++) {
			if (offsets[k] || !func_matches(name, names[k]) ||
			    !elfsyms_offset(&es, s->addr, &off))
				continue;
			offsets[k] = off;
			found++;
		}
	}
	elfsyms_free(&es);
	return err ? err : found;
}

static int take_first(void *ctx, const char *name, uint64_t offset)
{
	(void)name;
	*(uint64_t *)ctx = offset;
	return 1;
}

uint64_t ufunc_offset(const struct utarget *t, const char *name)
{
	uint64_t off = 0;
	int n = ufuncs_each(t, name, take_first, &off);

	if (n < 0)
		fprintf(stderr, "%s: %s: cannot read its symbols: %s\n",
			program_invocation_short_name, t->path, strerror(-n));
	else if (!off)
		fprintf(stderr, "%s: %s has no function %s\n", program_invocation_short_name,
			t->path, name);
	return off;
}

/* One line: why a probe could not be attached, naming the missing facility where it is that. */
static void attach_failed(const char *kind, const char *func, const struct utarget *t, int err)
{
	if (access("/sys/bus/event_source/devices/uprobe", F_OK))
		fprintf(stderr,
			"%s: cannot attach a %s to %s: this kernel has no uprobes "
			"(CONFIG_UPROBE_EVENTS)\n",
			program_invocation_short_name, kind, func);
	else
		fprintf(stderr, "%s: cannot attach a %s to %s in %s: %s\n",
			program_invocation_short_name, kind, func, t->path, strerror(err));
}

struct bpf_link *uprobe_attach(struct bpf_program *prog, const struct utarget *t, const char *func,
			       bool ret)
{
	uint64_t off = ufunc_offset(t, func);

	return off ? uprobe_attach_at(prog, t, func, off, ret) : NULL;
}

struct bpf_link *uprobe_attach_at(struct bpf_program *prog, const struct utarget *t,
				  const char *func, uint64_t off, bool ret)
{
	const char *kind = ret ? "uretprobe" : "uprobe";
	struct bpf_link *link;

	link = bpf_program__attach_uprobe(prog, ret, t->pid, t->attach, off);
	if (!link) {
		attach_failed(kind, func, t, errno);
		return NULL;
	}
	/* "TOOL: TARGET via KIND", as lib/probe.c says it (tests/paths.sh reads it). */
	if (common_opts.verbose)
		fprintf(stderr, "%s: %s via %s\n%s: %s: %s+0x%llx\n", program_invocation_short_name,
			func, kind, program_invocation_short_name, kind, t->attach,
			(unsigned long long)off);
	return link;
}

struct bpf_link *usdt_attach(struct bpf_program *prog, const struct utarget *t,
			     const char *provider, const char *name)
{
	struct bpf_link *link =
		bpf_program__attach_usdt(prog, t->pid, t->attach, provider, name, NULL);
	int err = errno;

	if (!link) {
		if (err == ENOENT)
			fprintf(stderr, "%s: %s has no USDT probe %s:%s\n",
				program_invocation_short_name, t->path, provider, name);
		else
			fprintf(stderr, "%s: cannot attach to USDT probe %s:%s in %s: %s\n",
				program_invocation_short_name, provider, name, t->path,
				strerror(err));
		return NULL;
	}
	if (common_opts.verbose)
		fprintf(stderr, "%s: %s:%s via usdt\n%s: usdt: %s\n", program_invocation_short_name,
			provider, name, program_invocation_short_name, t->attach);
	return link;
}

int ulinks_add(struct ulinks *l, struct bpf_link *link)
{
	struct bpf_link **v;

	if (!link)
		return -1;
	v = realloc(l->v, (l->n + 1) * sizeof(*v));
	if (!v) {
		bpf_link__destroy(link);
		return -1;
	}
	l->v = v;
	l->v[l->n++] = link;
	return 0;
}

static void *destroy_link(void *link)
{
	bpf_link__destroy(link);
	return NULL;
}

#define ULINKS_THREADS 32

void ulinks_destroy(struct ulinks *l)
{
	pthread_t th[ULINKS_THREADS];
	bool started[ULINKS_THREADS];
	size_t i, k, batch;

	for (i = 0; i < l->n; i += batch) {
		batch = l->n - i < ULINKS_THREADS ? l->n - i : ULINKS_THREADS;
		for (k = 0; k < batch; k++) {
			started[k] = !pthread_create(&th[k], NULL, destroy_link, l->v[i + k]);
			if (!started[k])
				bpf_link__destroy(l->v[i + k]);
		}
		for (k = 0; k < batch; k++) {
			if (started[k])
				pthread_join(th[k], NULL);
		}
	}
	for (i = 0; i < l->nfds; i++)
		close(l->fds[i]);
	free(l->v);
	free(l->fds);
	memset(l, 0, sizeof(*l));
}

/* Linux 6.6 UAPI (the system's headers may be older). */
#define UPROBE_MULTI_ATTACH_TYPE 48 /* BPF_TRACE_UPROBE_MULTI */
#define UPROBE_MULTI_RETURN	 1u /* BPF_F_UPROBE_MULTI_RETURN */

struct uprobe_multi_attr {
	uint32_t prog_fd;
	uint32_t target_fd;
	uint32_t attach_type;
	uint32_t flags;
	uint64_t path;
	uint64_t offsets;
	uint64_t ref_ctr_offsets;
	uint64_t cookies;
	uint32_t cnt;
	uint32_t multi_flags;
	uint32_t pid;
	uint32_t pad[9]; /* the rest of the link_create union, zeroed */
};

bool uprobe_multi_prepare(struct bpf_program *prog)
{
	if (hook_avoided("uprobe_multi") || hook_avoided("uprobe") ||
	    !probe_btf_type("bpf_uprobe_multi_link"))
		return false;
	return !bpf_program__set_expected_attach_type(prog, UPROBE_MULTI_ATTACH_TYPE);
}

static int fds_add(struct ulinks *l, int fd)
{
	int *fds = realloc(l->fds, (l->nfds + 1) * sizeof(*fds));

	if (!fds) {
		close(fd);
		return -1;
	}
	l->fds = fds;
	l->fds[l->nfds++] = fd;
	return 0;
}

static void say_attached(const char *const *funcs, size_t n, const char *kind,
			 const struct utarget *t)
{
	size_t i;

	if (!common_opts.verbose)
		return;
	for (i = 0; i < n; i++)
		fprintf(stderr, "%s: %s via %s\n", program_invocation_short_name, funcs[i], kind);
	fprintf(stderr, "%s: %s: %s (%zu functions)\n", program_invocation_short_name, kind,
		t->attach, n);
}

static int attach_multi(struct ulinks *l, struct bpf_program *prog, const struct utarget *t,
			const char *const *funcs, const uint64_t *offsets, const uint64_t *cookies,
			size_t n, bool ret)
{
	const char *kind = ret ? "uretprobe_multi" : "uprobe_multi";
	struct uprobe_multi_attr attr;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.prog_fd = bpf_program__fd(prog);
	attr.attach_type = UPROBE_MULTI_ATTACH_TYPE;
	attr.path = (uintptr_t)t->attach;
	attr.offsets = (uintptr_t)offsets;
	attr.cookies = (uintptr_t)cookies;
	attr.cnt = n;
	attr.multi_flags = ret ? UPROBE_MULTI_RETURN : 0;
	attr.pid = t->pid > 0 ? t->pid : 0;
	fd = syscall(__NR_bpf, BPF_LINK_CREATE, &attr, sizeof(attr));
	if (fd < 0) {
		attach_failed(kind, funcs[0], t, errno);
		return -1;
	}
	say_attached(funcs, n, kind, t);
	return fds_add(l, fd);
}

int uprobes_attach_at(struct ulinks *l, struct bpf_program *prog, const struct utarget *t,
		      const char *const *funcs, const uint64_t *offsets, const uint64_t *cookies,
		      size_t n, bool ret)
{
	LIBBPF_OPTS(bpf_uprobe_opts, uo);
	struct bpf_link *link;
	size_t i;

	if (!n)
		return 0;
	if (bpf_program__expected_attach_type(prog) == UPROBE_MULTI_ATTACH_TYPE)
		return attach_multi(l, prog, t, funcs, offsets, cookies, n, ret);
	for (i = 0; i < n; i++) {
		uo.retprobe = ret;
		uo.bpf_cookie = cookies[i];
		link = bpf_program__attach_uprobe_opts(prog, t->pid, t->attach, offsets[i], &uo);
		if (!link) {
			attach_failed(ret ? "uretprobe" : "uprobe", funcs[i], t, errno);
			return -1;
		}
		if (ulinks_add(l, link))
			return -1;
		say_attached(funcs + i, 1, ret ? "uretprobe" : "uprobe", t);
	}
	return 0;
}

int uprobes_attach(struct ulinks *l, struct bpf_program *prog, const struct utarget *t,
		   const char *const *funcs, const uint64_t *cookies, size_t n, bool ret)
{
	uint64_t *offs = calloc(n ? n : 1, sizeof(*offs));
	int err = -1;
	size_t i;

	if (!offs)
		return -1;
	/* One read of the symbols for all of them (ufunc_offset would read them n times). */
	if (ufuncs_offsets(t, funcs, offs, n) == (int)n) {
		err = uprobes_attach_at(l, prog, t, funcs, offs, cookies, n, ret);
	} else {
		for (i = 0; i < n; i++) {
			if (!offs[i]) {
				ufunc_offset(t, funcs[i]); /* for its one-line message */
				break;
			}
		}
	}
	free(offs);
	return err;
}

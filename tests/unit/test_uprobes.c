// SPDX-License-Identifier: GPL-2.0
/*
 * lib/uprobes.c and lib/ldcache.c: names found as the loader and the shell
 * find them (this machine's libc, bash, this process's own maps), functions
 * by name, version and glob, and the loader's cache format against made-up
 * caches, whole and broken.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elfsyms.h"
#include "ldcache.h"
#include "untrusted.h"
#include "uprobes.h"
#include "unit.h"

static bool ends_with(const char *s, const char *end)
{
	size_t n = strlen(s), m = strlen(end);

	return n >= m && !strcmp(s + n - m, end);
}

static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return !stat(a, &sa) && !stat(b, &sb) && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

static int count_fn(void *ctx, const char *name, uint64_t offset)
{
	int *seen = ctx;

	if (!strncmp(name, "pthread_mutex_lock", 18) && offset)
		seen[0]++;
	if (!strncmp(name, "pthread_mutex_unlock", 20) && offset)
		seen[1]++;
	return 0;
}

static void test_find(void)
{
	struct utarget a, b, c;
	int seen[2] = { 0, 0 };
	char name[64];

	CHECK("c: libc.so.6", !utarget_find(&a, -1, "c") && ends_with(a.path, "/libc.so.6"),
	      "path %s", a.path);
	CHECK("libc.so.6 the same file",
	      !utarget_find(&b, -1, "libc.so.6") && !strcmp(a.path, b.path), "path %s", b.path);
	CHECK("attach path is the path for every process", a.pid == -1 && !strcmp(a.attach, a.path),
	      "%d %s", a.pid, a.attach);
	CHECK("bash on PATH", !utarget_find(&c, -1, "bash") && ends_with(c.path, "/bash"),
	      "path %s", c.path);
	CHECK("an absolute path", !utarget_find(&c, -1, "/bin/sh") && !strcmp(c.path, "/bin/sh"),
	      "path %s", c.path);
	CHECK("a relative path: from the current directory",
	      !chdir("/bin") && !utarget_find(&c, -1, "./sh") && same_file(c.path, "/bin/sh"),
	      "path %s", c.path);
	CHECK("no such library: -ENOENT", utarget_find(&c, -1, "bpfscope_no_such_lib") == -ENOENT,
	      "found %s", c.path);
	CHECK("a directory is not a target", utarget_find(&c, -1, "/usr/lib") == -ENOENT,
	      "found %s", c.path);
	CHECK("this process maps libc: found through its maps",
	      !utarget_find(&b, getpid(), "libc") && same_file(a.path, b.path) && b.pid == getpid(),
	      "path %s pid %d", b.path, b.pid);
	CHECK("utarget_mapped_by: libc by this process", utarget_mapped_by(&a, getpid()), "no");
	CHECK("utarget_mapped_by: not bash",
	      !utarget_find(&c, -1, "bash") && !utarget_mapped_by(&c, getpid()), "mapped");
	CHECK("no such process: -ESRCH", utarget_find(&c, 0x3fffffff, "c") == -ESRCH, "found");
	CHECK("utarget_exe: this test's binary",
	      !utarget_exe(&c, getpid()) && ends_with(c.path, "/test_uprobes"), "path %s", c.path);

	CHECK("malloc's offset is the symbol's",
	      ufunc_offset(&a, "malloc") &&
		      ufunc_offset(&a, "malloc") == ufunc_offset(&b, "malloc"),
	      "offsets differ");
	CHECK("pthread_create, a versioned name, is found", ufunc_offset(&a, "pthread_create") != 0,
	      "none");
	CHECK("no such function: 0", !ufunc_offset(&a, "bpfscope_no_such_function"), "found");
	CHECK("glob: pthread_mutex_*lock finds lock and unlock",
	      ufuncs_each(&a, "pthread_mutex_*lock", count_fn, seen) >= 2 && seen[0] == 1 &&
		      seen[1] == 1,
	      "lock %d unlock %d", seen[0], seen[1]);
	/* glibc: calloc is weak beside __libc_calloc, free shares its address with cfree. */
	CHECK("a weak name beside a strong alias is found (calloc)",
	      ufunc_offset(&a, "calloc") != 0 &&
		      ufunc_offset(&a, "calloc") == ufunc_offset(&a, "__libc_calloc"),
	      "calloc not found, or not at __libc_calloc");
	CHECK("each name of a shared address is found (free, cfree)",
	      ufunc_offset(&a, "free") != 0 &&
		      ufunc_offset(&a, "free") == ufunc_offset(&a, "cfree"),
	      "free not found, or not at cfree");
	{
		const char *const names[] = { "free", "bpfscope_no_such_function", "calloc" };
		uint64_t offs[3];

		CHECK("ufuncs_offsets: free and calloc with one read, none for a missing name",
		      ufuncs_offsets(&a, names, offs, 3) == 2 &&
			      offs[0] == ufunc_offset(&a, "free") && !offs[1] &&
			      offs[2] == ufunc_offset(&a, "calloc"),
		      "offsets %llx %llx %llx", (unsigned long long)offs[0],
		      (unsigned long long)offs[1], (unsigned long long)offs[2]);
	}
	snprintf(name, sizeof(name), "%s", "pthread_mutex_lock");
	CHECK("an exact name is no glob: one function", ufuncs_each(&a, name, count_fn, seen) == 1,
	      "not one");
}

/* A cache of the new format with the entries (key, value) given. */
static size_t make_cache(char *buf, size_t cap, const char *const *kv, uint32_t n)
{
	size_t strings = 48 + 24 * n, off = strings, i;

	memset(buf, 0, cap);
	memcpy(buf, "glibc-ld.so.cache1.1", 20);
	memcpy(buf + 20, &n, 4);
	for (i = 0; i < 2 * n; i++) {
		uint32_t at = off;
		char *e = buf + 48 + 24 * (i / 2);

		memcpy(e + 4 + 4 * (i % 2), &at, 4);
		strcpy(buf + off, kv[i]);
		off += strlen(kv[i]) + 1;
	}
	return off;
}

struct found {
	char paths[4][64];
	int n;
};

static int collect(void *ctx, const char *path)
{
	struct found *f = ctx;

	if (f->n < 4)
		snprintf(f->paths[f->n++], 64, "%s", path);
	return 0;
}

static void test_ldcache(void)
{
	static const char *const kv[] = { "libz.so.1",	  "/lib/libz.so.1",
					  "libzstd.so.1", "/lib/libzstd.so.1",
					  "libc.so.6",	  "/lib/libc.so.6",
					  "libc.so.6",	  "relative/libc.so.6" };
	char buf[1024], old[1024 + 64];
	struct found f = {};
	size_t len = make_cache(buf, sizeof(buf), kv, 4);
	uint32_t nold = 2, big = 1000;

	CHECK("z: libz.so.1 only, not libzstd",
	      !ldcache_lookup(buf, len, "z", collect, &f) && f.n == 1 &&
		      !strcmp(f.paths[0], "/lib/libz.so.1"),
	      "%d: %s", f.n, f.paths[0]);
	memset(&f, 0, sizeof(f));
	CHECK("libc.so.6: the absolute path only",
	      !ldcache_lookup(buf, len, "libc.so.6", collect, &f) && f.n == 1, "%d", f.n);
	memset(&f, 0, sizeof(f));
	CHECK("cut short: the entries whose strings are in it",
	      !ldcache_lookup(buf, len - 30, "libc", collect, &f) && f.n == 0, "%d", f.n);
	CHECK("not a cache: -EINVAL", ldcache_lookup("hello", 5, "c", collect, &f) == -EINVAL,
	      "accepted");
	memcpy(buf + 20, &big, 4);
	CHECK("more entries than fit: -EINVAL",
	      ldcache_lookup(buf, len, "c", collect, &f) == -EINVAL, "accepted");
	memcpy(buf + 20, &(uint32_t){ 4 }, 4);

	/* The old table first, the new one after it at 8-byte alignment. */
	memset(old, 0, sizeof(old));
	memcpy(old, "ld.so-1.7.0", 11);
	memcpy(old + 12, &nold, 4);
	memcpy(old + 40, buf, len);
	memset(&f, 0, sizeof(f));
	CHECK("after an old table: found",
	      !ldcache_lookup(old, 40 + len, "libz.so.1", collect, &f) && f.n == 1, "%d", f.n);
}

int main(void)
{
	test_find();
	test_ldcache();
	return unit_exit();
}

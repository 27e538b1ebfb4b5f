// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of lib/ksyms.c, lib/usyms.c and lib/elf.c.  The user-space cases
 * resolve addresses inside processes built by tests/unit/syms/build.sh at test
 * time: each prints the addresses of functions it knows the names of.
 */
#include <dlfcn.h>
#include <errno.h>
#include <gelf.h>
#include <fcntl.h>
#include <libgen.h>
#include <malloc.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ksyms.h"
#include "usyms.h"

static int failed;
static char outdir[PATH_MAX];

static void report(bool pass, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void report(bool pass, const char *name, const char *fmt, ...)
{
	va_list ap;

	if (pass) {
		printf("ok - %s\n", name);
	} else {
		failed++;
		printf("not ok - %s: ", name);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		putchar('\n');
	}
	fflush(stdout);
}

static void skip(const char *name, const char *why)
{
	printf("skip - %s: %s\n", name, why);
	fflush(stdout);
}

/* ------------------------------------------------------------- children */

#define MAX_ADDRS 8

struct child {
	pid_t pid;
	FILE *out;
	int in;
	int naddrs;
	char names[MAX_ADDRS][64];
	uint64_t addrs[MAX_ADDRS];
};

static bool child_read_addr(struct child *c, char *name, size_t len, uint64_t *addr)
{
	char line[256], fmt[32];

	if (!fgets(line, sizeof(line), c->out))
		return false;
	snprintf(fmt, sizeof(fmt), "%%%zus %%lx", len - 1);
	return sscanf(line, fmt, name, addr) == 2;
}

static void child_exec(const char *path, int in[2], int out[2], const char *root)
{
	dup2(in[0], 0);
	dup2(out[1], 1);
	close(in[1]);
	close(out[0]);
	if (root && (chroot(root) || chdir("/")))
		_exit(126);
	execl(path, path, (char *)NULL);
	_exit(127);
}

/* Start path (inside root if given) and read its addresses up to "ready". */
static bool child_start(struct child *c, const char *path, const char *root)
{
	int in[2], out[2];
	char name[64];
	uint64_t addr;

	memset(c, 0, sizeof(*c));
	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC))
		return false;
	c->pid = fork();
	if (c->pid < 0)
		return false;
	if (!c->pid)
		child_exec(path, in, out, root);
	close(in[0]);
	close(out[1]);
	c->in = in[1];
	c->out = fdopen(out[0], "r");
	while (c->out && child_read_addr(c, name, sizeof(name), &addr)) {
		if (c->naddrs < MAX_ADDRS) {
			snprintf(c->names[c->naddrs], sizeof(c->names[0]), "%s", name);
			c->addrs[c->naddrs++] = addr;
		}
	}
	return c->naddrs > 0;
}

static uint64_t child_addr(const struct child *c, const char *name)
{
	for (int i = 0; i < c->naddrs; i++) {
		if (!strcmp(c->names[i], name))
			return c->addrs[i];
	}
	return 0;
}

static void child_stop(struct child *c)
{
	if (c->pid <= 0)
		return;
	close(c->in);
	if (c->out)
		fclose(c->out);
	kill(c->pid, SIGKILL);
	waitpid(c->pid, NULL, 0);
	c->pid = 0;
}

/* --------------------------------------------------------------- checks */

/* Resolve addr+off in pid and expect want (offset off); want NULL: expect no name. */
static void expect_user(struct usyms *us, pid_t pid, uint64_t addr, uint64_t off, const char *want,
			const char *test)
{
	struct sym s;
	bool found;

	if (!addr) {
		report(false, test, "the target printed no address");
		return;
	}
	found = usyms_resolve(us, pid, addr + off, &s);
	if (!want) {
		report(!found, test, "resolved to %s", s.name);
		return;
	}
	report(found && !strcmp(s.name, want) && s.offset == off, test,
	       "0x%lx+%lu: got %s+%lu (module %s), want %s+%lu", (unsigned long)addr,
	       (unsigned long)off, found ? s.name : "nothing", (unsigned long)s.offset,
	       s.module ? s.module : "-", want, (unsigned long)off);
}

static void test_target(struct usyms *us, const char *bin, const char *what, bool lib)
{
	char path[PATH_MAX + 32], name[128];
	struct child c;

	snprintf(path, sizeof(path), "%s/%s", outdir, bin);
	if (!child_start(&c, path, NULL)) {
		snprintf(name, sizeof(name), "%s: start %s", what, bin);
		report(false, name, "could not start it");
		child_stop(&c);
		return;
	}
	snprintf(name, sizeof(name), "%s: global function", what);
	expect_user(us, c.pid, child_addr(&c, "syms_target_alpha"), 3, "syms_target_alpha", name);
	snprintf(name, sizeof(name), "%s: static function", what);
	expect_user(us, c.pid, child_addr(&c, "syms_target_local"), 0, "syms_target_local", name);
	if (lib) {
		snprintf(name, sizeof(name), "%s: shared library function", what);
		expect_user(us, c.pid, child_addr(&c, "syms_lib_gamma"), 2, "syms_lib_gamma", name);
	}
	child_stop(&c);
}

/* A stripped object without debug file: exported names only. */
static void test_dynsym_only(struct usyms *us)
{
	char path[PATH_MAX + 32];
	struct child c;
	struct sym s;

	snprintf(path, sizeof(path), "%s/target_dynsym", outdir);
	if (!child_start(&c, path, NULL)) {
		report(false, "dynsym only: start", "could not start %s", path);
		child_stop(&c);
		return;
	}
	expect_user(us, c.pid, child_addr(&c, "syms_target_alpha"), 1, "syms_target_alpha",
		    "dynsym only: exported function");
	/* A local can't be named, but its object can. */
	usyms_resolve(us, c.pid, child_addr(&c, "syms_target_local"), &s);
	report(!s.name && s.module && strstr(s.module, "target_dynsym"),
	       "dynsym only: local function is unknown, module known", "got %s in %s",
	       s.name ? s.name : "-", s.module ? s.module : "-");
	child_stop(&c);
}

/* Two processes of one binary; forgetting one leaves the other resolvable. */
static void test_two_pids(struct usyms *us)
{
	char path[PATH_MAX + 32];
	struct child a, b;

	snprintf(path, sizeof(path), "%s/target_pie", outdir);
	if (!child_start(&a, path, NULL) || !child_start(&b, path, NULL)) {
		report(false, "two pids: start", "could not start %s", path);
		child_stop(&a);
		child_stop(&b);
		return;
	}
	expect_user(us, a.pid, child_addr(&a, "syms_target_alpha"), 0, "syms_target_alpha",
		    "two pids: first");
	expect_user(us, b.pid, child_addr(&b, "syms_target_alpha"), 0, "syms_target_alpha",
		    "two pids: second (cached object, other load address)");
	usyms_forget_pid(us, a.pid);
	expect_user(us, b.pid, child_addr(&b, "syms_lib_gamma"), 0, "syms_lib_gamma",
		    "two pids: second after forgetting the first");
	expect_user(us, a.pid, child_addr(&a, "syms_lib_gamma"), 0, "syms_lib_gamma",
		    "two pids: forgotten pid is read again");
	child_stop(&a);
	child_stop(&b);
}

/* A library dlopen()ed after the pid's maps were read is found on a later miss. */
static void test_dlopen_later(struct usyms *us)
{
	char path[PATH_MAX + 32], cmd[PATH_MAX + 64], name[64];
	struct child c;
	uint64_t addr = 0;
	struct timespec ts = { 1, 100000000 };

	snprintf(path, sizeof(path), "%s/target_pie", outdir);
	if (!child_start(&c, path, NULL)) {
		report(false, "dlopen later: start", "could not start %s", path);
		child_stop(&c);
		return;
	}
	expect_user(us, c.pid, child_addr(&c, "syms_target_alpha"), 0, "syms_target_alpha",
		    "dlopen later: before");
	snprintf(cmd, sizeof(cmd), "dlopen %s/libsymtest2.so syms_lib_delta\n", outdir);
	if (write(c.in, cmd, strlen(cmd)) < 0 || !child_read_addr(&c, name, sizeof(name), &addr)) {
		report(false, "dlopen later: library loaded", "no reply from the target");
		child_stop(&c);
		return;
	}
	nanosleep(&ts, NULL);
	expect_user(us, c.pid, addr, 1, "syms_lib_delta", "dlopen later: library function");
	child_stop(&c);
}

/* The binary is deleted while it runs: reachable only through map_files. */
static void test_deleted(struct usyms *us)
{
	char src[PATH_MAX + 32], dst[PATH_MAX + 32], cmd[2 * PATH_MAX + 80];
	struct child c;

	snprintf(src, sizeof(src), "%s/target_pie", outdir);
	snprintf(dst, sizeof(dst), "%s/target_deleted", outdir);
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", src, dst);
	if (system(cmd) || !child_start(&c, dst, NULL)) {
		report(false, "deleted binary: start", "could not copy and start %s", dst);
		return;
	}
	unlink(dst);
	expect_user(us, c.pid, child_addr(&c, "syms_target_alpha"), 4, "syms_target_alpha",
		    "deleted binary: function");
	child_stop(&c);
}

/* A process in a chroot: its maps name paths that exist only under /proc/PID/root. */
static void test_chroot(struct usyms *us)
{
	char root[PATH_MAX + 32], cmd[4 * PATH_MAX];
	struct child c;

	if (geteuid()) {
		skip("chroot: static function", "needs root");
		return;
	}
	snprintf(root, sizeof(root), "%s/chroot", outdir);
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s' && cp '%s/target_static' '%s/syms_chrooted'",
		 root, outdir, root);
	if (system(cmd) || !child_start(&c, "/syms_chrooted", root)) {
		report(false, "chroot: start", "could not start the target in %s", root);
		child_stop(&c);
		return;
	}
	expect_user(us, c.pid, child_addr(&c, "syms_target_local"), 2, "syms_target_local",
		    "chroot: static function");
	child_stop(&c);
}

/* Anonymous executable memory named by /tmp/perf-PID.map. */
static void test_perf_map(struct usyms *us)
{
	char path[PATH_MAX + 32];
	struct child c;
	uint64_t jit;
	struct sym s;
	FILE *f;

	snprintf(path, sizeof(path), "%s/target_pie", outdir);
	if (!child_start(&c, path, NULL) || !(jit = child_addr(&c, "jit"))) {
		report(false, "perf map: start", "could not start %s", path);
		child_stop(&c);
		return;
	}
	expect_user(us, c.pid, jit + 0x10, 0, NULL, "perf map: absent, unknown");
	snprintf(path, sizeof(path), "/tmp/perf-%d.map", c.pid);
	f = fopen(path, "w");
	if (!f) {
		report(false, "perf map: write", "%s: %s", path, strerror(errno));
		child_stop(&c);
		return;
	}
	fprintf(f, "%lx 40 jitted_one\n%lx 20 LJava/Foo;::bar (compiled)\n", (unsigned long)jit,
		(unsigned long)jit + 0x40);
	fclose(f);
	/* An absent perf map is looked for again after PERFMAP_RETRY_NS. */
	usleep(250 * 1000);
	expect_user(us, c.pid, jit, 0x10, "jitted_one", "perf map: first entry");
	expect_user(us, c.pid, jit + 0x40, 5, "LJava/Foo;::bar (compiled)",
		    "perf map: name with spaces");
	expect_user(us, c.pid, jit + 0x100, 0, NULL, "perf map: past the last entry");
	/* A JIT appends; names returned before must stay valid. */
	usyms_resolve(us, c.pid, jit, &s);
	f = fopen(path, "a");
	if (f) {
		fprintf(f, "%lx 10 jitted_later\n", (unsigned long)jit + 0x100);
		fclose(f);
	}
	expect_user(us, c.pid, jit + 0x100, 2, "jitted_later", "perf map: appended entry");
	report(s.name && !strcmp(s.name, "jitted_one"), "perf map: earlier name still valid",
	       "got %s", s.name ? s.name : "nothing");
	unlink(path);
	child_stop(&c);
}

static size_t heap_in_use(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

/*
 * A JIT appending to a large perf map: each append is read alone, so memory
 * stays near the map's size (it grew by the whole map at every append when
 * each read was of the whole file, and the old names were kept).
 */
static void test_perf_map_growth(struct usyms *us)
{
	char path[PATH_MAX + 32];
	size_t before, grown;
	struct child c;
	uint64_t jit;
	struct sym s;
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "%s/target_pie", outdir);
	if (!child_start(&c, path, NULL) || !(jit = child_addr(&c, "jit"))) {
		report(false, "perf map growth: start", "could not start %s", path);
		child_stop(&c);
		return;
	}
	snprintf(path, sizeof(path), "/tmp/perf-%d.map", c.pid);
	f = fopen(path, "w");
	for (i = 0; f && i < 40000; i++)
		fprintf(f, "%lx 1 jitted_function_with_a_long_name_%d\n", 0x1000UL + i, i);
	if (f)
		fclose(f);
	usyms_resolve(us, c.pid, jit, &s);
	before = heap_in_use();
	for (i = 0; i < 50; i++) {
		f = fopen(path, "a");
		if (!f)
			break;
		fprintf(f, "%lx 4 appended_%d\n", (unsigned long)jit + 4 * i, i);
		fclose(f);
		usyms_resolve(us, c.pid, jit + 4 * i, &s);
	}
	grown = heap_in_use() - before;
	report(s.name && !strcmp(s.name, "appended_49"), "perf map growth: the last append is read",
	       "got %s", s.name ? s.name : "nothing");
	report(grown < (8 << 20), "perf map growth: 50 appends to a 2 MiB map keep memory bounded",
	       "heap grew by %zu KiB", grown >> 10);
	unlink(path);
	child_stop(&c);
}

/* Exited processes are dropped; names returned for them stay valid. */
static void test_forget_exited(void)
{
	char path[PATH_MAX + 32], name[64];
	struct usyms *us = usyms_new();
	struct child a, b;
	struct sym sa, sj;
	uint64_t jit;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/target_pie", outdir);
	if (!us || !child_start(&a, path, NULL) || !child_start(&b, path, NULL)) {
		report(false, "forget exited: start", "could not start %s", path);
		usyms_free(us);
		return;
	}
	jit = child_addr(&a, "jit");
	snprintf(path, sizeof(path), "/tmp/perf-%d.map", a.pid);
	f = fopen(path, "w");
	if (f) {
		fprintf(f, "%lx 10 jitted_gone\n", (unsigned long)jit);
		fclose(f);
	}
	usyms_resolve(us, a.pid, child_addr(&a, "syms_target_alpha"), &sa);
	usyms_resolve(us, a.pid, jit, &sj);
	expect_user(us, b.pid, child_addr(&b, "syms_target_alpha"), 0, "syms_target_alpha",
		    "forget exited: live process resolves");
	child_stop(&a);
	unlink(path);
	n = usyms_forget_exited(us);
	report(n == 1, "forget exited: only the exited pid is dropped", "dropped %zu", n);
	snprintf(name, sizeof(name), "%s", sj.name ? sj.name : "nothing");
	report(sa.name && !strcmp(sa.name, "syms_target_alpha") && !strcmp(name, "jitted_gone"),
	       "forget exited: earlier names stay valid", "got %s and %s",
	       sa.name ? sa.name : "nothing", name);
	expect_user(us, b.pid, child_addr(&b, "syms_lib_gamma"), 0, "syms_lib_gamma",
		    "forget exited: live process still resolves");
	child_stop(&b);
	usyms_free(us);
}

/* A libc function that only the debug file (found by build-id) names, in this process. */
static const char *libc_local_function(const char *debug, uint64_t *vaddr)
{
	static char name[128];
	const char *found = NULL;
	Elf_Scn *scn = NULL;
	Elf_Data *d;
	GElf_Shdr sh;
	GElf_Sym s;
	Elf *elf;
	int fd;

	fd = open(debug, O_RDONLY);
	if (fd < 0 || elf_version(EV_CURRENT) == EV_NONE)
		goto out;
	elf = elf_begin(fd, ELF_C_READ, NULL);
	while (elf && !found && (scn = elf_nextscn(elf, scn))) {
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB)
			continue;
		d = elf_getdata(scn, NULL);
		for (size_t i = 0; d && i < sh.sh_size / sh.sh_entsize; i++) {
			const char *n;

			if (!gelf_getsym(d, i, &s) || GELF_ST_TYPE(s.st_info) != STT_FUNC ||
			    GELF_ST_BIND(s.st_info) != STB_LOCAL || s.st_size < 32)
				continue;
			n = elf_strptr(elf, sh.sh_link, s.st_name);
			/* A plain name, unlikely to share its address with another. */
			if (!n || strncmp(n, "__", 2) || strchr(n, '.') ||
			    strlen(n) >= sizeof(name))
				continue;
			snprintf(name, sizeof(name), "%s", n);
			*vaddr = s.st_value;
			found = name;
			break;
		}
	}
	elf_end(elf);
out:
	if (fd >= 0)
		close(fd);
	return found;
}

static void test_libc_build_id(struct usyms *us)
{
	char debug[PATH_MAX], cmd[PATH_MAX + 64], id[128];
	const char *fn;
	uint64_t vaddr;
	Dl_info info;
	FILE *p;

	/* The build-id of libc, through readelf: the test checks lib/elf.c, not itself. */
	if (!dladdr((void *)getpid, &info) || !info.dli_fname) {
		skip("libc via build-id", "dladdr failed");
		return;
	}
	snprintf(cmd, sizeof(cmd), "readelf -n '%s' 2>/dev/null | awk '/Build ID/ {print $3}'",
		 info.dli_fname);
	p = popen(cmd, "r");
	if (!p || !fgets(id, sizeof(id), p) || strlen(id) < 4) {
		if (p)
			pclose(p);
		skip("libc via build-id", "no build-id on libc");
		return;
	}
	pclose(p);
	id[strcspn(id, "\n")] = '\0';
	snprintf(debug, sizeof(debug), "/usr/lib/debug/.build-id/%.2s/%s.debug", id, id + 2);
	fn = access(debug, R_OK) ? NULL : libc_local_function(debug, &vaddr);
	if (!fn) {
		skip("libc via build-id", "no libc debug file (apt-get install libc6-dbg)");
		return;
	}
	/* libc's first segment has vaddr 0: load base + vaddr is the runtime address. */
	expect_user(us, getpid(), (uint64_t)(uintptr_t)info.dli_fbase + vaddr, 1, fn,
		    "libc via build-id: local function");
}

static void test_vdso(struct usyms *us)
{
	void *h = dlopen("linux-vdso.so.1", RTLD_LAZY | RTLD_NOLOAD);
	void *fn = h ? dlsym(h, "__vdso_clock_gettime") : NULL;

	if (!fn) {
		skip("vdso", "no vDSO handle");
		return;
	}
	expect_user(us, getpid(), (uint64_t)(uintptr_t)fn, 1, "__vdso_clock_gettime",
		    "vdso: clock_gettime");
}

static void test_bad_input(struct usyms *us)
{
	struct sym s;

	report(!usyms_resolve(us, 0, 0x1000, &s), "pid 0 resolves nothing", "it did");
	report(!usyms_resolve(us, INT_MAX - 1, 0x1000, &s), "missing pid resolves nothing",
	       "it did");
	report(!usyms_resolve(us, getpid(), 0x10, &s) && !s.name, "unmapped address is unknown",
	       "got %s", s.name);
}

/* ---------------------------------------------------------------- kernel */

/* First "addr type name[\t[module]]" line accepted by want(). */
static bool kallsyms_find(bool (*want)(const char *name, const char *mod, void *arg), void *arg,
			  uint64_t *addr, char *name, size_t namelen, char *mod, size_t modlen)
{
	char line[512], *n, *m;
	bool found = false;
	FILE *f = fopen("/proc/kallsyms", "r");

	while (f && !found && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		n = strchr(line, ' ');
		if (!n || !n[1] || !strchr("tT", n[1]))
			continue;
		n += 3;
		m = strchr(n, '\t');
		if (m) {
			*m++ = '\0';
			m += strspn(m, "[");
			m[strcspn(m, "]")] = '\0';
		}
		if (!want(n, m, arg))
			continue;
		*addr = strtoull(line, NULL, 16);
		snprintf(name, namelen, "%s", n);
		snprintf(mod, modlen, "%s", m ? m : "");
		found = true;
	}
	if (f)
		fclose(f);
	return found;
}

static bool want_name(const char *name, const char *mod, void *arg)
{
	return !mod && !strcmp(name, arg);
}

static bool want_module(const char *name, const char *mod, void *arg)
{
	(void)name;
	(void)arg;
	return mod != NULL;
}

static void test_kernel(void)
{
	struct ksyms *ks = ksyms_load();
	char name[256], mod[64];
	uint64_t addr;
	struct sym s;

	if (!kallsyms_find(want_name, "schedule", &addr, name, sizeof(name), mod, sizeof(mod)) ||
	    !addr) {
		skip("kernel: schedule", "no readable address in /proc/kallsyms");
		ksyms_free(ks);
		return;
	}
	report(ks != NULL, "kernel: load", "ksyms_load failed");
	report(ksyms_addr(ks, "schedule") == addr, "kernel: address of schedule", "got 0x%lx",
	       (unsigned long)ksyms_addr(ks, "schedule"));
	report(ksyms_resolve(ks, addr, &s) && !strcmp(s.name, "schedule") && !s.offset && !s.module,
	       "kernel: resolve schedule", "got %s+%lu", s.name ? s.name : "nothing",
	       (unsigned long)s.offset);
	report(ksyms_resolve(ks, addr + 5, &s) && !strcmp(s.name, "schedule") && s.offset == 5,
	       "kernel: resolve schedule+5", "got %s+%lu", s.name ? s.name : "nothing",
	       (unsigned long)s.offset);
	report(ksyms_addr(ks, "bpfscope_no_such_symbol") == 0, "kernel: absent name is 0",
	       "it was not");
	if (kallsyms_find(want_module, NULL, &addr, name, sizeof(name), mod, sizeof(mod))) {
		report(ksyms_resolve(ks, addr, &s) && s.module && !strcmp(s.module, mod),
		       "kernel: module symbol names its module", "%s: got module %s, want %s", name,
		       s.module ? s.module : "none", mod);
	} else {
		skip("kernel: module symbol names its module", "no module symbols");
	}
	ksyms_free(ks);
}

/* ----------------------------------------------------------------- main */

/* tests/unit/syms/build.sh, found from the source tree (or BPFSCOPE_SRCDIR). */
static bool build_targets(const char *argv0)
{
	char self[PATH_MAX], script[PATH_MAX + 64], cmd[4 * PATH_MAX];
	const char *src = getenv("BPFSCOPE_SRCDIR");
	char *tmp;

	if (src) {
		snprintf(script, sizeof(script), "%s/tests/unit/syms/build.sh", src);
	} else {
		if (!realpath(argv0, self))
			return false;
		/* build/tests/test_syms -> tests/unit/syms/build.sh */
		snprintf(script, sizeof(script), "%s/../../tests/unit/syms/build.sh",
			 dirname(self));
	}
	if (access(script, X_OK))
		snprintf(script, sizeof(script), "tests/unit/syms/build.sh");
	tmp = getenv("TMPDIR");
	snprintf(outdir, sizeof(outdir), "%s/test_syms.XXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(outdir))
		return false;
	snprintf(cmd, sizeof(cmd), "'%s' '%s' >'%s/build.log' 2>&1", script, outdir, outdir);
	if (system(cmd)) {
		snprintf(cmd, sizeof(cmd), "cat '%s/build.log' >&2", outdir);
		if (system(cmd))
			return false;
		return false;
	}
	return true;
}

static void cleanup_targets(void)
{
	char cmd[PATH_MAX + 16];

	if (!outdir[0] || getenv("KEEP_TEST_SYMS"))
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", outdir);
	if (system(cmd))
		fprintf(stderr, "test_syms: could not remove %s\n", outdir);
}

int main(int argc, char **argv)
{
	struct usyms *us;

	(void)argc;
	signal(SIGPIPE, SIG_IGN);
	test_kernel();

	us = usyms_new();
	report(us != NULL, "user: usyms_new", "failed");
	if (!us)
		return 1;
	test_bad_input(us);
	test_libc_build_id(us);
	test_vdso(us);
	if (!build_targets(argv[0])) {
		report(false, "user: build target programs", "tests/unit/syms/build.sh failed");
	} else {
		test_target(us, "target_pie", "PIE", true);
		test_target(us, "target_nopie", "non-PIE", true);
		test_target(us, "target_debuglink", "debuglink beside", true);
		test_target(us, "target_debugdir", "debuglink in .debug/", true);
		test_dynsym_only(us);
		test_two_pids(us);
		test_dlopen_later(us);
		test_deleted(us);
		test_chroot(us);
		test_perf_map(us);
		test_perf_map_growth(us);
		test_forget_exited();
	}
	usyms_free(us);
	cleanup_targets();
	return failed ? 1 : 0;
}

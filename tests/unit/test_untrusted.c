// SPDX-License-Identifier: GPL-2.0
/*
 * Opening files a traced process controls (lib/untrusted.c), with openat2
 * and with the walk that replaces it on kernels before 5.6: links and ".."
 * stay inside the root, FIFOs and directories are refused without blocking;
 * map_files entries must be the inode the maps line named; an object
 * truncated while it is read is an error, not SIGBUS.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "elfsyms.h"
#include "unit.h"
#include "untrusted.h"

static char top[PATH_MAX];

static void put(const char *rel, const char *text)
{
	char path[PATH_MAX * 2];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", top, rel);
	f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void at(char *path, size_t size, const char *rel)
{
	snprintf(path, size, "%s/%s", top, rel);
}

/*
 * top/host/secret     "host"       (stands for a file of the host)
 * top/root/           the process's root
 *   secret            "inside"
 *   etc/abs  -> TOP/host/secret (absolute: names root/TOP/host/secret, absent)
 *   etc/abs2 -> /secret          (absolute: root/secret)
 *   etc/up   -> ../../../../secret (climbs past root: root/secret)
 *   etc/loop -> loop
 *   fifo, dir/
 */
static bool make_tree(void)
{
	char p[PATH_MAX * 2], t[PATH_MAX * 2];
	bool ok = true;

	snprintf(top, sizeof(top), "/tmp/bpfscope-untrusted.XXXXXX");
	if (!mkdtemp(top))
		return false;
	at(p, sizeof(p), "host");
	ok &= !mkdir(p, 0755);
	at(p, sizeof(p), "root");
	ok &= !mkdir(p, 0755);
	at(p, sizeof(p), "root/etc");
	ok &= !mkdir(p, 0755);
	at(p, sizeof(p), "root/dir");
	ok &= !mkdir(p, 0755);
	put("host/secret", "host\n");
	put("root/secret", "inside\n");
	at(t, sizeof(t), "host/secret");
	at(p, sizeof(p), "root/etc/abs");
	ok &= !symlink(t, p);
	at(p, sizeof(p), "root/etc/abs2");
	ok &= !symlink("/secret", p);
	at(p, sizeof(p), "root/etc/up");
	ok &= !symlink("../../../../secret", p);
	at(p, sizeof(p), "root/etc/loop");
	ok &= !symlink("loop", p);
	at(p, sizeof(p), "root/fifo");
	ok &= !mkfifo(p, 0600);
	return ok;
}

/* What the file opened as PATH inside root holds: "" when it failed (err set). */
static const char *read_in_root(const struct proc_root *root, const char *path, int *err)
{
	static char buf[64];
	struct stat st;
	ssize_t n;
	int fd;

	buf[0] = '\0';
	fd = untrusted_open(root, path, &st);
	*err = fd < 0 ? -fd : 0;
	if (fd < 0)
		return buf;
	n = read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(fd);
	return buf;
}

static void check_opens(const struct proc_root *root, const char *how)
{
	char name[128], path[PATH_MAX * 2];
	const char *got;
	int err;

	snprintf(name, sizeof(name), "%s: a plain file", how);
	got = read_in_root(root, "/secret", &err);
	CHECK(name, !strcmp(got, "inside\n"), "got \"%s\", error %d", got, err);

	/* The host path as an absolute link inside root: not the host's file. */
	snprintf(name, sizeof(name), "%s: absolute link resolved inside root", how);
	got = read_in_root(root, "/etc/abs", &err);
	CHECK(name, !got[0] && err == ENOENT, "got \"%s\", error %d", got, err);
	snprintf(name, sizeof(name), "%s: absolute link to a file of root", how);
	got = read_in_root(root, "/etc/abs2", &err);
	CHECK(name, !strcmp(got, "inside\n"), "got \"%s\", error %d", got, err);
	snprintf(name, sizeof(name), "%s: relative link climbing past root", how);
	got = read_in_root(root, "/etc/up", &err);
	CHECK(name, !strcmp(got, "inside\n"), "got \"%s\", error %d", got, err);
	snprintf(name, sizeof(name), "%s: .. stops at root", how);
	got = read_in_root(root, "/dir/../../../secret", &err);
	CHECK(name, !strcmp(got, "inside\n"), "got \"%s\", error %d", got, err);
	at(path, sizeof(path), "host/secret");
	snprintf(name, sizeof(name), "%s: a host path is looked up inside root", how);
	got = read_in_root(root, path, &err);
	CHECK(name, !got[0] && err == ENOENT, "got \"%s\", error %d", got, err);

	snprintf(name, sizeof(name), "%s: link loop", how);
	got = read_in_root(root, "/etc/loop", &err);
	CHECK(name, !got[0] && err == ELOOP, "got \"%s\", error %d", got, err);
	snprintf(name, sizeof(name), "%s: a FIFO is refused without blocking", how);
	alarm(5); /* a blocking open would end the test here */
	got = read_in_root(root, "/fifo", &err);
	alarm(0);
	CHECK(name, !got[0] && err == EINVAL, "got \"%s\", error %d", got, err);
	snprintf(name, sizeof(name), "%s: a directory is refused", how);
	got = read_in_root(root, "/dir", &err);
	CHECK(name, !got[0] && (err == EINVAL || err == EISDIR), "got \"%s\", error %d", got, err);
	snprintf(name, sizeof(name), "%s: a relative path is refused", how);
	got = read_in_root(root, "secret", &err);
	CHECK(name, !got[0] && err == EINVAL, "got \"%s\", error %d", got, err);
}

/* map_files: the entry must be the inode /proc/PID/maps named. */
static void check_mapped(void)
{
	char path[PATH_MAX * 2], entry[96];
	struct stat st, want;
	void *map;
	int fd;

	at(path, sizeof(path), "root/secret");
	fd = open(path, O_RDONLY);
	map = fd >= 0 ? mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
	if (fd < 0 || map == MAP_FAILED || fstat(fd, &want)) {
		CHECK("map_files: set up", false, "%s", path);
		return;
	}
	close(fd);
	snprintf(entry, sizeof(entry), "/proc/self/map_files/%lx-%lx", (unsigned long)map,
		 (unsigned long)map + 4096);
	fd = untrusted_open_mapped(entry, want.st_dev, want.st_ino, &st);
	CHECK("map_files: the inode the maps line named is opened", fd >= 0, "error %d", -fd);
	if (fd >= 0)
		close(fd);
	fd = untrusted_open_mapped(entry, want.st_dev, want.st_ino + 1, &st);
	CHECK("map_files: another inode than the maps line named is refused", fd == -ESTALE,
	      "got %d", fd);
	if (fd >= 0)
		close(fd);
	munmap(map, 4096);
}

static volatile sig_atomic_t got_sigbus;

static void on_sigbus(int sig)
{
	(void)sig;
	got_sigbus = 1;
	_exit(3);
}

/* An object cut short between its opening and its reading: an error, not SIGBUS. */
static void check_truncated(const char *self)
{
	char path[PATH_MAX * 2], cmd[PATH_MAX * 5];
	struct elfsyms_file ef = { .fd = -1 };
	struct proc_root root;
	struct elfsyms es = { 0 };
	int err;

	at(path, sizeof(path), "root/object");
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", self, path);
	if (system(cmd) || proc_root_open(0, &root)) {
		CHECK("truncated object: set up", false, "%s", cmd);
		return;
	}
	signal(SIGBUS, on_sigbus);
	err = elfsyms_open(&ef, &root, path);
	CHECK("truncated object: opens", !err, "error %d", err);
	if (!err && truncate(path, 4096) == 0) {
		err = elfsyms_read(&es, &ef, path, &root);
		CHECK("truncated object: read without SIGBUS, and no symbols",
		      !got_sigbus && !es.tab.n, "error %d, %zu symbols", err, es.tab.n);
	}
	elfsyms_free(&es);
	elfsyms_close(&ef);
	proc_root_close(&root);
	signal(SIGBUS, SIG_DFL);
}

int main(int argc, char **argv)
{
	struct proc_root root = { .fd = -1 };
	char path[PATH_MAX * 2], cmd[PATH_MAX * 3];

	(void)argc;
	if (!make_tree()) {
		CHECK("set up the tree", false, "in %s", top);
		return unit_exit();
	}
	at(path, sizeof(path), "root");
	root.fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	check_opens(&root, "openat2");
	setenv("BPFSCOPE_AVOID", "openat2", 1);
	check_opens(&root, "walk");
	unsetenv("BPFSCOPE_AVOID");
	proc_root_close(&root);
	check_mapped();
	check_truncated(argv[0]);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", top);
	if (system(cmd))
		perror(cmd);
	return unit_exit();
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Files a traced process controls, opened inside its root; see
 * include/untrusted.h.
 *
 * openat2(RESOLVE_IN_ROOT) does the resolution where the kernel has it (Linux
 * 5.6); before that the path is walked here a component at a time, never
 * following a link and never letting the kernel resolve "..", with the same
 * result: a link's target is resolved again from root (absolute) or from the
 * link's directory, and ".." stops at root.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cli.h"
#include "untrusted.h"

#ifndef SYS_openat2
#define SYS_openat2 437
#endif

#define READ_FLAGS (O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
#define MAX_LINKS  40 /* as the kernel: ELOOP after this many */
#define MAX_DEPTH  256

int proc_root_open(pid_t pid, struct proc_root *root)
{
	struct stat st, self;
	char path[64];

	if (pid > 0)
		snprintf(path, sizeof(path), "/proc/%d/root", pid);
	else
		snprintf(path, sizeof(path), "/");
	root->ours = false;
	root->fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root->fd < 0)
		return -errno;
	root->ours = !fstat(root->fd, &st) && !stat("/", &self) && st.st_dev == self.st_dev &&
		     st.st_ino == self.st_ino;
	return 0;
}

void proc_root_close(struct proc_root *root)
{
	if (root->fd >= 0)
		close(root->fd);
	root->fd = -1;
}

/* The walk: a stack of directory descriptors from root down; dirs[0] is root. */
struct walk {
	int dirs[MAX_DEPTH];
	int depth;
	char rest[PATH_MAX * 2]; /* what is left to resolve */
};

static void walk_pop(struct walk *w, int to)
{
	while (w->depth > to)
		close(w->dirs[w->depth--]);
}

/* Replace the component just read by a link's target: target + "/" + rest. */
static int walk_splice_link(struct walk *w, int fd, const char *rest)
{
	char target[PATH_MAX];
	size_t tlen, rlen = strlen(rest);
	ssize_t n;

	n = readlinkat(fd, "", target, sizeof(target));
	if (n <= 0 || (size_t)n >= sizeof(target))
		return -ENAMETOOLONG;
	tlen = n;
	if (tlen + 1 + rlen + 1 > sizeof(w->rest))
		return -ENAMETOOLONG;
	memmove(w->rest + tlen + 1, rest, rlen + 1);
	memcpy(w->rest, target, tlen);
	w->rest[tlen] = '/';
	if (target[0] == '/')
		walk_pop(w, 0);
	return 0;
}

/* One component name: copied out of w->rest, which then starts after it. */
static const char *walk_next(struct walk *w, char *name, size_t size, const char **rest)
{
	const char *p = w->rest, *end;
	size_t len;

	while (*p == '/')
		p++;
	end = p + strcspn(p, "/");
	len = end - p;
	if (len >= size)
		return NULL;
	memcpy(name, p, len);
	name[len] = '\0';
	while (*end == '/')
		end++;
	*rest = end;
	return name;
}

static int walk_open(int rootfd, const char *path)
{
	static struct walk w; /* a tool is single-threaded; keeps 8 KiB off the stack */
	int fd, links = 0, err = -ENOENT;
	char name[NAME_MAX + 1];
	const char *rest;
	struct stat st;

	if (strlen(path) >= sizeof(w.rest))
		return -ENAMETOOLONG;
	strcpy(w.rest, path);
	w.depth = 0;
	w.dirs[0] = rootfd;
	for (;;) {
		if (!walk_next(&w, name, sizeof(name), &rest)) {
			err = -ENAMETOOLONG;
			break;
		}
		if (!name[0]) {
			err = -EISDIR; /* the path names a directory */
			break;
		}
		if (!strcmp(name, ".") || !strcmp(name, "..")) {
			if (name[1] && w.depth)
				walk_pop(&w, w.depth - 1);
			memmove(w.rest, rest, strlen(rest) + 1);
			continue;
		}
		fd = openat(w.dirs[w.depth], name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st)) {
			err = -errno;
			if (fd >= 0)
				close(fd);
			break;
		}
		if (S_ISLNK(st.st_mode)) {
			err = ++links > MAX_LINKS ? -ELOOP : walk_splice_link(&w, fd, rest);
			close(fd);
			if (err)
				break;
			continue;
		}
		if (!*rest) {
			close(fd);
			/* Not followed if it became a link since: O_NOFOLLOW fails. */
			fd = openat(w.dirs[w.depth], name, READ_FLAGS | O_NOFOLLOW);
			err = fd < 0 ? -errno : fd;
			break;
		}
		if (!S_ISDIR(st.st_mode) || w.depth + 1 >= MAX_DEPTH) {
			close(fd);
			err = S_ISDIR(st.st_mode) ? -ENAMETOOLONG : -ENOTDIR;
			break;
		}
		w.dirs[++w.depth] = fd;
		memmove(w.rest, rest, strlen(rest) + 1);
	}
	walk_pop(&w, 0);
	return err;
}

static int open_in_root(int rootfd, const char *path)
{
	struct open_how how = {
		.flags = READ_FLAGS,
		.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
	};
	static bool no_openat2;
	int fd;

	if (!no_openat2 && !env_avoids("openat2")) {
		fd = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
		if (fd >= 0)
			return fd;
		if (errno != ENOSYS && errno != EPERM)
			return -errno;
		no_openat2 = true; /* EPERM: a seccomp filter that does not know it */
	}
	return walk_open(rootfd, path);
}

/* The common checks of an opened descriptor: a regular file. */
static int accept_regular(int fd, struct stat *st)
{
	if (fd < 0)
		return fd;
	if (fstat(fd, st) || !S_ISREG(st->st_mode)) {
		close(fd);
		return -EINVAL;
	}
	return fd;
}

int untrusted_open(const struct proc_root *root, const char *path, struct stat *st)
{
	if (!root || root->fd < 0 || !path || path[0] != '/')
		return -EINVAL;
	return accept_regular(open_in_root(root->fd, path), st);
}

int untrusted_open_mapped(const char *map_file, dev_t dev, ino_t ino, struct stat *st)
{
	int fd = open(map_file, READ_FLAGS);

	fd = accept_regular(fd < 0 ? -errno : fd, st);
	if (fd >= 0 && (st->st_dev != dev || st->st_ino != ino)) {
		close(fd);
		return -ESTALE;
	}
	return fd;
}

bool untrusted_past(uint64_t deadline_ns)
{
	return deadline_ns && mono_ns() > deadline_ns;
}

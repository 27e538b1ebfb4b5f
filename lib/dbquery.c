// SPDX-License-Identifier: GPL-2.0
/* Slow database queries, the user side dbslower and mysqld_qslower share: see include/dbquery.h. */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "output.h"
#include "dbquery.h"

const struct dbq_server dbq_postgres = {
	"PostgreSQL server",
	"postgresql",
	"postgres",
	{ "postgres", "/usr/lib/postgresql/*/bin/postgres", "/usr/local/pgsql/bin/postgres" },
};

const struct dbq_server dbq_mysql = {
	"MySQL server",
	"mysql",
	"mysqld",
	{ "mysqld", "mariadbd", "/usr/sbin/mysqld", "/usr/local/mysql/bin/mysqld" },
};

/* Targets already probed (by the path the kernel opens), so a file is probed once. */
struct probed {
	char paths[8][PATH_MAX];
	int n;
};

static int attach_file(struct usdt_links *l, struct probed *done_files, const struct utarget *found,
		       const struct dbq_server *s, struct bpf_program *start,
		       struct bpf_program *done)
{
	struct utarget t = *found;
	int i;

	for (i = 0; i < done_files->n; i++) {
		if (!strcmp(done_files->paths[i], t.attach))
			return 0;
	}
	if (done_files->n == (int)(sizeof(done_files->paths) / sizeof(done_files->paths[0]))) {
		cli_warn("more than %d server binaries", done_files->n);
		return -1;
	}
	snprintf(done_files->paths[done_files->n++], PATH_MAX, "%s", t.attach);
	t.pid = -1; /* every process of that file: the BPF side filters by process */
	if (usdt_links_attach(l, start, &t, s->provider, "query__start") ||
	    usdt_links_attach(l, done, &t, s->provider, "query__done"))
		return -1;
	return 0;
}

static bool comm_is(const char *pid, const char *comm)
{
	char path[300], buf[32];
	FILE *f;
	bool is;

	snprintf(path, sizeof(path), "/proc/%s/comm", pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	is = fgets(buf, sizeof(buf), f) && (buf[strcspn(buf, "\n")] = '\0', !strcmp(buf, comm));
	fclose(f);
	return is;
}

/* The program of process pid (a string of digits), without a message when it is gone. */
static bool exe_of(struct utarget *t, const char *pid)
{
	char link[300], path[PATH_MAX];
	ssize_t len;

	snprintf(link, sizeof(link), "/proc/%s/exe", pid);
	len = readlink(link, path, sizeof(path) - 1);
	if (len <= 0)
		return false;
	path[len] = '\0';
	return !utarget_lookup(t, atoi(pid), path);
}

/* The programs of the running servers that have the probes; how many files, or -1. */
static int attach_running(struct usdt_links *l, struct probed *p, const struct dbq_server *s,
			  struct bpf_program *start, struct bpf_program *done)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	struct utarget t;
	int err = 0;

	while (d && !err && (de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]) || !comm_is(de->d_name, s->comm))
			continue;
		if (!exe_of(&t, de->d_name) || !usdt_has(&t, s->provider, "query__start"))
			continue;
		err = attach_file(l, p, &t, s, start, done);
	}
	if (d)
		closedir(d);
	return err ? -1 : p->n;
}

int dbq_attach(struct usdt_links *l, const struct dbq_server *s, const char *exe, const pid_t *pids,
	       int n, struct bpf_program *start, struct bpf_program *done)
{
	struct probed p = { .n = 0 };
	struct utarget t;
	int i, r;

	if (exe) {
		if (utarget_find(&t, -1, exe))
			return -1;
		return attach_file(l, &p, &t, s, start, done);
	}
	for (i = 0; i < n; i++) {
		if (usdt_find(&t, pids[i], s->objects, s->what, s->provider, "query__start") ||
		    attach_file(l, &p, &t, s, start, done))
			return -1;
	}
	if (n)
		return 0;
	r = attach_running(l, &p, s, start, done);
	if (r)
		return r < 0 ? -1 : 0;
	if (usdt_find(&t, -1, s->objects, s->what, s->provider, "query__start"))
		return -1;
	return attach_file(l, &p, &t, s, start, done);
}

void dbq_row(struct row *r, const void *rec)
{
	const struct dbq_event *e = rec;

	row_double(r, "TIME(s)", "ts", -14, 6, secs_since_start(e->ts_ns));
	row_uint(r, "PID", "pid", -7, e->pid);
	row_double(r, "MS", "ms", 8, 3, e->delta_ns / 1e6);
	row_str(r, "QUERY", "query", 0, e->query, sizeof(e->query));
	row_bool(r, NULL, "query_truncated", 0, e->truncated);
}

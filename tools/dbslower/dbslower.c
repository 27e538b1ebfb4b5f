// SPDX-License-Identifier: GPL-2.0
/* dbslower: trace PostgreSQL or MySQL queries slower than a threshold. */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "dbquery.h"
#include "tool.h"
#include "dbslower.skel.h"

static struct {
	const struct dbq_server *db;
	const char *exe;
	long min_ms;
	struct usdt_links links;
	struct bpf_link *dispatch[2];
} opts = { .min_ms = 1 };

static const struct opt_pick picks[] = {
	{ OPT_PID, 'p', NULL, "The server processes to trace (PID,PID... or PID PID ...)" },
	{},
};

static const struct argp_option options[] = {
	{ "exe", 'x', "PATH", 0,
	  "The server's binary (MySQL without USDT probes: uprobes on dispatch_command)", 0 },
	{ "threshold", 'm', "THRESHOLD", 0, "Trace queries slower than this (ms; default 1)", 0 },
	{},
};

static const char doc[] =
	"Trace PostgreSQL or MySQL queries slower than a threshold: when each ended, the "
	"server process, its duration and its text.\v"
	"The servers' USDT probes query__start and query__done are used (PostgreSQL "
	"built with --enable-dtrace, as Debian's is; MySQL 5.x built with DTrace); with "
	"-x, a MySQL without them is probed at dispatch_command.  Without -p or -x, the "
	"programs of the running servers (postgres, mysqld) are probed, else the "
	"installed one.\n\n"
	"Examples:\n"
	"  dbslower postgres             # PostgreSQL queries slower than 1 ms\n"
	"  dbslower postgres -p 188 322  # only server processes 188 and 322\n"
	"  dbslower mysql -p 480 -m 30   # MySQL queries slower than 30 ms\n"
	"  dbslower mysql -x /usr/sbin/mysqld  # MySQL through uprobes\n"
	"  dbslower postgres --json      # one JSON object per query";

static bool all_digits(const char *s)
{
	for (; *s; s++) {
		if (!isdigit((unsigned char)*s))
			return false;
	}
	return true;
}

/* Positional: the database, then (BCC's "-p PID PID ...") more processes for -p. */
static void parse_arg(const char *arg)
{
	if (!opts.db && !strcmp(arg, "postgres"))
		opts.db = &dbq_postgres;
	else if (!opts.db && !strcmp(arg, "mysql"))
		opts.db = &dbq_mysql;
	else if (!opts.db)
		cli_bad_value("the database", arg, "not postgres or mysql");
	else if (gopts.npids && gopts.npids < OPT_IDS_MAX && all_digits(arg))
		gopts.pids[gopts.npids++] = cli_parse_pid("-p", arg);
	else
		cli_usage_error("unexpected argument '%s'", cli_shown(arg));
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	switch (key) {
	case 'x':
		opts.exe = arg;
		return 0;
	case 'm':
		opts.min_ms = cli_parse_long("-m", arg, 0, LONG_MAX / 1000000);
		return 0;
	case ARGP_KEY_ARG:
		parse_arg(arg);
		return 0;
	case ARGP_KEY_END:
		if (!opts.db)
			cli_usage_error("which database: postgres or mysql");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

struct dispatch {
	char name[256];
	bool found;
};

static int take_dispatch(void *ctx, const char *name, uint64_t offset)
{
	struct dispatch *d = ctx;

	(void)offset;
	snprintf(d->name, sizeof(d->name), "%s", name);
	d->found = true;
	return 1;
}

/* MySQL without query probes: dispatch_command's entry and return. */
static int attach_dispatch(struct dbslower_bpf *skel, const struct utarget *t)
{
	struct dispatch d = { .found = false };
	struct bpf_program *entry;
	int n = ufuncs_each(t, "*dispatch_command*", take_dispatch, &d);

	if (n <= 0 || !d.found) {
		cli_warn("%s has neither USDT probe mysql:query__start nor a function "
			 "dispatch_command",
			 t->path);
		return -1;
	}
	/* 5.7 and later take the query in a COM_DATA; 5.6 as the packet. */
	entry = strstr(d.name, "COM_DATA") ? skel->progs.dispatch_57 : skel->progs.dispatch_56;
	opts.dispatch[0] = uprobe_attach(entry, t, d.name, false);
	opts.dispatch[1] = opts.dispatch[0]
				   ? uprobe_attach(skel->progs.dispatch_return, t, d.name, true)
				   : NULL;
	return opts.dispatch[1] ? 0 : -1;
}

static int attach(void *ctx)
{
	struct dbslower_bpf *skel = ctx;
	struct utarget t;

	if (opts.db == &dbq_mysql && opts.exe) {
		if (utarget_find(&t, -1, opts.exe))
			return -1;
		if (!usdt_has(&t, "mysql", "query__start"))
			return attach_dispatch(skel, &t);
	}
	return dbq_attach(&opts.links, opts.db, opts.exe, gopts.pids, gopts.npids,
			  skel->progs.query_start, skel->progs.query_done);
}

static void banner(char *buf, size_t size)
{
	size_t len = snprintf(buf, size, "Tracing database queries");
	int i;

	for (i = 0; i < gopts.npids && len < size; i++)
		len += snprintf(buf + len, size - len, "%s%d", i ? ", " : " for pids ",
				gopts.pids[i]);
	if (len < size)
		snprintf(buf + len, size - len, " slower than %ld ms...", opts.min_ms);
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, "{postgres|mysql}", doc, NULL,
					  NULL,	   NULL };
	struct dbslower_bpf *skel;
	char text[256];
	int err;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(dbslower_bpf);
	if (!skel)
		return 1;
	skel->rodata->min_ns = opts.min_ms * 1000000;
	banner(text, sizeof(text));
	err = tool_run_events(&(struct tool_events){
		.skel = skel->skeleton,
		.row = dbq_row,
		.rec_size = sizeof(struct dbq_event),
		.rec_min = sizeof(struct dbq_event),
		.ctx = skel,
		.banner = text,
		.attach = attach,
	});
	bpf_link__destroy(opts.dispatch[1]);
	bpf_link__destroy(opts.dispatch[0]);
	usdt_links_destroy(&opts.links);
	dbslower_bpf__destroy(skel);
	return err;
}

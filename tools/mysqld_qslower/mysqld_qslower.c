// SPDX-License-Identifier: GPL-2.0
/* mysqld_qslower: trace MySQL server queries slower than a threshold. */
#include <limits.h>
#include <stdio.h>

#include "dbquery.h"
#include "tool.h"
#include "mysqld_qslower.skel.h"

static struct {
	pid_t pid;
	long min_ms;
	int nargs;
	struct usdt_links links;
} opts = { .min_ms = 1 };

static const struct opt_pick picks[] = { {} };

static const char doc[] =
	"Trace MySQL server queries slower than a threshold (1 ms by default), from the "
	"server's USDT probes mysql:query__start and query__done.\v"
	"PID: the mysqld process; without it, every running mysqld (else the installed "
	"one).  MIN_MS: the threshold in milliseconds (0: every query).  The server must "
	"be built with its DTrace probes (MySQL 5.x -DENABLE_DTRACE=1; 8.0 has none).\n\n"
	"Examples:\n"
	"  mysqld_qslower $(pgrep -n mysqld)      # queries slower than 1 ms\n"
	"  mysqld_qslower $(pgrep -n mysqld) 10   # slower than 10 ms\n"
	"  mysqld_qslower $(pgrep -n mysqld) 0    # every query\n"
	"  mysqld_qslower --json                  # every mysqld, one JSON object per query";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	if (key != ARGP_KEY_ARG)
		return ARGP_ERR_UNKNOWN;
	if (opts.nargs == 0)
		opts.pid = cli_parse_pid("PID", arg);
	else if (opts.nargs == 1)
		opts.min_ms = cli_parse_long("min_ms", arg, 0, LONG_MAX / 1000000);
	else
		cli_usage_error("unexpected argument '%s'", cli_shown(arg));
	opts.nargs++;
	return 0;
}

static int attach(void *ctx)
{
	struct mysqld_qslower_bpf *skel = ctx;

	return dbq_attach(&opts.links, &dbq_mysql, NULL, &opts.pid, opts.pid ? 1 : 0,
			  skel->progs.query_start, skel->progs.query_done);
}

int main(int argc, char **argv)
{
	static const struct argp argp = {
		NULL, parse_opt, "[PID [MIN_MS]]", doc, NULL, NULL, NULL
	};
	struct mysqld_qslower_bpf *skel;
	char banner[128];
	int err;

	tool_parse(&argp, picks, argc, argv);
	if (opts.pid) {
		gopts.pids[0] = opts.pid; /* the BPF side's -p filter */
		gopts.npids = 1;
		snprintf(banner, sizeof(banner),
			 "Tracing MySQL server queries for PID %d slower than %ld ms...", opts.pid,
			 opts.min_ms);
	} else {
		snprintf(banner, sizeof(banner),
			 "Tracing MySQL server queries slower than %ld ms...", opts.min_ms);
	}
	skel = TOOL_OPEN(mysqld_qslower_bpf);
	if (!skel)
		return 1;
	skel->rodata->min_ns = opts.min_ms * 1000000;
	err = tool_run_events(&(struct tool_events){
		.skel = skel->skeleton,
		.row = dbq_row,
		.rec_size = sizeof(struct dbq_event),
		.rec_min = sizeof(struct dbq_event),
		.ctx = skel,
		.banner = banner,
		.attach = attach,
	});
	usdt_links_destroy(&opts.links);
	mysqld_qslower_bpf__destroy(skel);
	return err;
}

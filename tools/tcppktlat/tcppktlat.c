// SPDX-License-Identifier: GPL-2.0
/* tcppktlat: how long received TCP data waits before the application reads it. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "net.h"
#include "probe.h"
#include "row.h"
#include "tool.h"
#include "tcppktlat.h"
#include "tcppktlat.skel.h"

static struct {
	unsigned int lport, rport;
	long min_us;
	int addr_width;
	int npos;
} opts = { .addr_width = 15 };

static const struct opt_pick picks[] = {
	{ OPT_PID, 'p', NULL, NULL },
	{ OPT_TID, 't', NULL, NULL },
	{ OPT_TIME, 'T', "timestamp", "Include a time column (HH:MM:SS)" },
	{ OPT_IPV4, '4', NULL, NULL },
	{ OPT_IPV6, '6', NULL, NULL },
	{},
};

static const struct argp_option options[] = {
	{ "lport", 'l', "LPORT", 0, "Only sockets with this local port", 0 },
	{ "rport", 'r', "RPORT", 0, "Only sockets with this remote port", 0 },
	{ "wide", 'w', NULL, 0, "Wide address columns (fit IPv6 addresses)", 0 },
	{},
};

static const char doc[] =
	"Trace the time received TCP data waits in the socket until the application\n"
	"reads it.\v"
	"MIN_US: only reads whose data waited longer than MIN_US microseconds.\n"
	"MS is the wait of the oldest data the read took, from its arrival at the\n"
	"established socket to recvmsg() copying it; PID, TID and COMM are the\n"
	"reader's.\n\n"
	"Examples:\n"
	"  tcppktlat              # every read of data that waited\n"
	"  tcppktlat 1000         # waits longer than 1000 us only\n"
	"  tcppktlat -p 181       # reads by process 181\n"
	"  tcppktlat -t 182       # reads by thread 182\n"
	"  tcppktlat -l 80        # sockets with local port 80\n"
	"  tcppktlat -r 5432      # sockets with remote port 5432\n"
	"  tcppktlat -T -w        # time column, wide addresses\n"
	"  tcppktlat --json       # one JSON object per read";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	switch (key) {
	case 'l':
		opts.lport = cli_parse_long("-l", arg, 1, 65535);
		return 0;
	case 'r':
		opts.rport = cli_parse_long("-r", arg, 1, 65535);
		return 0;
	case 'w':
		opts.addr_width = 26;
		return 0;
	case ARGP_KEY_ARG:
		if (opts.npos++)
			cli_usage_error("unexpected argument '%s'", cli_shown(arg));
		opts.min_us = cli_parse_long("MIN_US", arg, 0, LONG_MAX / 1000);
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static void pktlat_row(struct row *r, const void *rec)
{
	const struct pktlat_event *e = rec;
	const struct net_tuple *t = &e->flow;
	char laddr[NET_ADDR_LEN], raddr[NET_ADDR_LEN];

	row_hms(r, gopts.time ? "TIME(s)" : NULL);
	row_secs(r, NULL, e->ts_ns);
	row_uint(r, "PID", "pid", -7, e->pid);
	row_uint(r, "TID", "tid", -7, e->tid);
	row_str(r, "COMM", "comm", -16, e->comm, sizeof(e->comm));
	if (r->mode == ROW_JSON) {
		net_json_tuple(&r->j, t);
	} else {
		row_str(r, "LADDR", NULL, -opts.addr_width,
			net_addr(laddr, sizeof(laddr), t->ip, t->laddr), sizeof(laddr));
		row_uint(r, "LPORT", NULL, -5, t->lport);
		row_str(r, "RADDR", NULL, -opts.addr_width,
			net_addr(raddr, sizeof(raddr), t->ip, t->raddr), sizeof(raddr));
		row_uint(r, "RPORT", NULL, -5, t->rport);
	}
	row_double(r, "MS", "ms", 0, 2, e->delta_ns / 1e6);
	row_uint(r, NULL, "latency_ns", 0, e->delta_ns);
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, "[MIN_US]", doc, NULL, NULL, NULL };
	struct tcppktlat_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(tcppktlat_bpf);
	if (!skel)
		return 1;
	skel->rodata->filter_lport = opts.lport;
	skel->rodata->filter_rport = opts.rport;
	skel->rodata->min_ns = opts.min_us * 1000ULL;
	if (!hook_choose_each(skel->obj, NULL))
		err = tool_run_events(&(struct tool_events){
			.skel = skel->skeleton,
			.row = pktlat_row,
			.rec_size = sizeof(struct pktlat_event),
			.rec_min = sizeof(struct pktlat_event),
		});
	tcppktlat_bpf__destroy(skel);
	return err;
}

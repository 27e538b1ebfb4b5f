// SPDX-License-Identifier: GPL-2.0
/* tcpstates: trace TCP state changes, with the time each socket spent in its old state. */
#include <stdio.h>

#include "ports.h"
#include "net.h"
#include "output.h"
#include "probe.h"
#include "row.h"
#include "tool.h"
#include "tcpstates.h"
#include "tcpstates.skel.h"

static struct {
	bool wide;
	struct port_set lports;
	struct port_set rports;
} opts;

static const struct opt_pick picks[] = {
	{ OPT_IPV4, '4', NULL, "Trace IPv4 family only" },
	{ OPT_IPV6, '6', NULL, "Trace IPv6 family only" },
	{ OPT_TIME, 'T', "timestamp", "Include a time column (HH:MM:SS)" },
	{ OPT_TIMESTAMP, 't', "seconds", "Include seconds since the trace started (TIME(s))" },
	{},
};

static const struct argp_option options[] = {
	{ "wide", 'w', NULL, 0, "Wide column output (fits IPv6 addresses)", 0 },
	{ "localport", 'L', "LPORT", 0, "Comma-separated list of local ports to trace", 0 },
	{ "remoteport", 'D', "DPORT", 0, "Comma-separated list of remote ports to trace", 0 },
	{},
};

static const char doc[] = "Trace TCP session state changes and durations: a line per change, with\n"
			  "the time (MS) the socket spent in its old state.\v"
			  "C-PID and C-COMM are the task running when the state changed: the\n"
			  "process itself for connect(), listen() and close(), often another one\n"
			  "(or none) for changes made by packets arriving.\n\n"
			  "Examples:\n"
			  "  tcpstates              # every TCP state change\n"
			  "  tcpstates -T           # with a time column\n"
			  "  tcpstates -L 80        # only local port 80\n"
			  "  tcpstates -D 80,443    # only remote ports 80 and 443\n"
			  "  tcpstates -6 -w        # IPv6 only, wide columns\n"
			  "  tcpstates --json       # one JSON object per change";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	switch (key) {
	case 'w':
		opts.wide = true;
		return 0;
	case 'L':
		port_set_parse(&opts.lports, "-L", arg);
		return 0;
	case 'D':
		port_set_parse(&opts.rports, "-D", arg);
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

/* A state's name as a column, and in JSON. */
static void state_col(struct row *r, const char *head, const char *key, int state)
{
	char num[16];

	if (r->mode == ROW_JSON)
		net_json_tcp_state(&r->j, key, state);
	row_str(r, head, NULL, -11, net_tcp_state(state, num, sizeof(num)), sizeof(num));
}

static void state_row(struct row *r, const void *rec)
{
	const struct state_event *e = rec;
	const struct net_tuple *t = &e->flow;
	int aw = opts.wide ? -39 : -15;
	char sk[20], laddr[NET_ADDR_LEN], raddr[NET_ADDR_LEN];

	snprintf(sk, sizeof(sk), "%llx", (unsigned long long)e->skaddr);
	row_hms(r, gopts.time ? "TIME" : NULL);
	row_secs(r, gopts.timestamp ? "TIME(s)" : NULL, e->ts_ns);
	row_str(r, "SKADDR", "skaddr", -16, sk, sizeof(sk));
	row_uint(r, "C-PID", "pid", -7, e->pid);
	/* Cut to 10 bytes as upstream, unless -w. */
	row_str(r, "C-COMM", NULL, opts.wide ? -16 : -10, e->comm,
		opts.wide ? sizeof(e->comm) : 10);
	row_str(r, NULL, "comm", 0, e->comm, sizeof(e->comm));
	if (r->mode == ROW_JSON)
		net_json_tuple(&r->j, t);
	row_uint(r, opts.wide ? "IP" : NULL, NULL, -2, t->ip);
	row_str(r, "LADDR", NULL, aw, net_addr(laddr, sizeof(laddr), t->ip, t->laddr),
		sizeof(laddr));
	row_uint(r, "LPORT", NULL, -5, t->lport);
	row_str(r, "RADDR", NULL, aw, net_addr(raddr, sizeof(raddr), t->ip, t->raddr),
		sizeof(raddr));
	row_uint(r, "RPORT", NULL, -5, t->rport);
	state_col(r, "OLDSTATE", "oldstate", e->oldstate);
	if (row_text_col(r, "->", 0))
		fputs("->", r->f);
	state_col(r, "NEWSTATE", "newstate", e->newstate);
	row_double(r, "MS", "ms", 0, 3, e->delta_ns / 1e6);
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct tcpstates_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(tcpstates_bpf);
	if (!skel)
		return 1;
	port_set_copy(&opts.lports, skel->rodata->filter_lports, &skel->rodata->filter_lports_on);
	port_set_copy(&opts.rports, skel->rodata->filter_rports, &skel->rodata->filter_rports_on);
	if (!hook_choose_each(skel->obj, NULL))
		err = tool_run_events(&(struct tool_events){
			.skel = skel->skeleton,
			.row = state_row,
			.rec_size = sizeof(struct state_event),
			.rec_min = sizeof(struct state_event),
		});
	tcpstates_bpf__destroy(skel);
	return err;
}

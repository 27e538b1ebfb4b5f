// SPDX-License-Identifier: GPL-2.0
/* tcpconnlat: trace active TCP connects with the time each took to be established. */
#include <stdio.h>
#include <string.h>

#include "net.h"
#include "output.h"
#include "probe.h"
#include "row.h"
#include "tool.h"
#include "tcpconnlat.h"
#include "tcpconnlat.skel.h"

#define MIN_MS_MAX 3600000ULL /* an hour */

static struct {
	bool lport;
	unsigned long long min_ns;
	int nargs;
} opts;

enum { OPT_CGROUP_KEY = 0x100 };

static const struct opt_pick picks[] = {
	{ OPT_TIMESTAMP, 't', NULL, "Include a TIME(s) column: seconds since the trace started" },
	{ OPT_PID, 'p', NULL, NULL },
	{ OPT_UID, 'u', NULL, NULL },
	{ OPT_IPV4, '4', NULL, NULL },
	{ OPT_IPV6, '6', NULL, NULL },
	{ OPT_CGROUP, OPT_CGROUP_KEY, NULL, NULL },
	{},
};

static const struct argp_option options[] = {
	{ "lport", 'L', NULL, 0, "Include an LPORT (local port) column", 0 },
	{},
};

static const char doc[] =
	"Trace active TCP connects with their latency: SYN sent to handshake done.\v"
	"MIN_MS: only connects that took at least this many milliseconds (a fraction, "
	"e.g. 0.1, is allowed).\n\n"
	"Examples:\n"
	"  tcpconnlat             # every established connect\n"
	"  tcpconnlat 1           # only those slower than 1 ms\n"
	"  tcpconnlat 0.1         # only those slower than 100 us\n"
	"  tcpconnlat -t          # with seconds since the start\n"
	"  tcpconnlat -p 185      # only process 185\n"
	"  tcpconnlat -L          # with the local port\n"
	"  tcpconnlat --json      # one JSON object per connect";

/* MIN_MS: decimal milliseconds with up to six places ("0.1"), to nanoseconds. */
static unsigned long long parse_min_ms(const char *arg)
{
	const char *dot = strchr(arg, '.');
	size_t ilen = dot ? (size_t)(dot - arg) : strlen(arg);
	unsigned long long ms = 0, frac = 0, scale = 1000000;
	const char *p;

	if (!ilen || ilen > 7 || strspn(arg, "0123456789") != ilen ||
	    (dot &&
	     (!dot[1] || strlen(dot + 1) > 6 || strspn(dot + 1, "0123456789") != strlen(dot + 1))))
		cli_bad_value("MIN_MS", arg, "not a number of milliseconds");
	for (p = arg; p < arg + ilen; p++)
		ms = ms * 10 + (*p - '0');
	for (p = dot ? dot + 1 : ""; *p; p++) {
		scale /= 10;
		frac += (*p - '0') * scale;
	}
	if (ms > MIN_MS_MAX)
		cli_bad_value("MIN_MS", arg, "more than an hour");
	return ms * 1000000 + frac;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	switch (key) {
	case 'L':
		opts.lport = true;
		return 0;
	case ARGP_KEY_ARG:
		if (opts.nargs++)
			cli_usage_error("unexpected argument '%s'", cli_shown(arg));
		opts.min_ns = parse_min_ms(arg);
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static void connlat_row(struct row *r, const void *rec)
{
	const struct connlat_event *e = rec;
	const struct net_tuple *t = &e->t;
	char saddr[NET_ADDR_LEN], daddr[NET_ADDR_LEN];

	net_addr(saddr, sizeof(saddr), t->ip, t->laddr);
	net_addr(daddr, sizeof(daddr), t->ip, t->raddr);
	row_secs(r, gopts.timestamp ? "TIME(s)" : NULL, e->ts_ns);
	row_uint(r, "PID", "pid", -7, e->pid);
	row_uint(r, NULL, "tid", 0, e->tid);
	row_str(r, "COMM", "comm", -12, e->comm, sizeof(e->comm));
	row_uint(r, "IP", "ip", -2, t->ip);
	row_str(r, "SADDR", "saddr", -16, saddr, sizeof(saddr));
	row_uint(r, opts.lport ? "LPORT" : NULL, "lport", -6, t->lport);
	row_str(r, "DADDR", "daddr", -16, daddr, sizeof(daddr));
	row_uint(r, "DPORT", "dport", -5, t->rport);
	row_double(r, "LAT(ms)", NULL, 0, 2, e->lat_ns / 1e6);
	row_uint(r, NULL, "lat_us", 0, e->lat_ns / 1000);
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, "[MIN_MS]", doc, NULL, NULL, NULL };
	struct tcpconnlat_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(tcpconnlat_bpf);
	if (!skel)
		return 1;
	skel->rodata->min_ns = opts.min_ns;
	if (!hook_choose_each(skel->obj, NULL))
		err = tool_run_events(&(struct tool_events){
			.skel = skel->skeleton,
			.row = connlat_row,
			.rec_size = sizeof(struct connlat_event),
			.rec_min = sizeof(struct connlat_event),
		});
	tcpconnlat_bpf__destroy(skel);
	return err;
}

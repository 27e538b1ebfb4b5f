// SPDX-License-Identifier: GPL-2.0
/* tcplife: trace TCP sessions as they close: who had them, bytes each way, how long they lived. */
#include <stdio.h>

#include "ports.h"
#include "net.h"
#include "output.h"
#include "probe.h"
#include "row.h"
#include "syscalls.h"
#include "tool.h"
#include "tcplife.h"
#include "tcplife.skel.h"

static struct {
	bool wide;
	struct port_set lports;
	struct port_set rports;
} opts;

static const struct opt_pick picks[] = {
	{ OPT_PID, 'p', NULL, "Trace sessions of this process only (or these: PID,PID...)" },
	{ OPT_IPV4, '4', NULL, NULL },
	{ OPT_IPV6, '6', NULL, NULL },
	{ OPT_TIME, 'T', NULL, "Include a time column (HH:MM:SS)" },
	{ OPT_TIMESTAMP, 't', NULL, "Include seconds since the trace started (TIME(s))" },
	{},
};

static const struct argp_option options[] = {
	{ "wide", 'w', NULL, 0, "Wide column output (fits IPv6 addresses)", 0 },
	{ "localport", 'L', "LOCALPORT", 0, "Comma-separated list of local ports to trace", 0 },
	{ "remoteport", 'D', "REMOTEPORT", 0, "Comma-separated list of remote ports to trace", 0 },
	{},
};

static const char doc[] =
	"Trace the lifespan of TCP sessions: a line as each one closes, with its\n"
	"process, addresses, bytes sent and received, and duration.\v"
	"Examples:\n"
	"  tcplife                # every TCP session as it ends\n"
	"  tcplife -p 1215        # only sessions of PID 1215\n"
	"  tcplife -p 1215 -4     # IPv4 only\n"
	"  tcplife -L 80,443      # only local ports 80 and 443 (servers)\n"
	"  tcplife -D 5432        # only remote port 5432 (clients of it)\n"
	"  tcplife -T -w          # time column, room for IPv6 addresses\n"
	"  tcplife --json         # one JSON object per session, exact byte counts";

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

static void life_row(struct row *r, const void *rec)
{
	const struct life_event *e = rec;
	const struct net_tuple *t = &e->flow;
	int aw = opts.wide ? -39 : -15;
	char laddr[NET_ADDR_LEN], raddr[NET_ADDR_LEN];

	row_hms(r, gopts.time ? "TIME" : NULL);
	row_secs(r, gopts.timestamp ? "TIME(s)" : NULL, e->ts_ns);
	row_uint(r, "PID", "pid", -7, e->pid);
	row_str(r, "COMM", "comm", -16, e->comm, sizeof(e->comm));
	if (r->mode == ROW_JSON)
		net_json_tuple(&r->j, t);
	row_str(r, "LADDR", NULL, aw, net_addr(laddr, sizeof(laddr), t->ip, t->laddr),
		sizeof(laddr));
	row_uint(r, "LPORT", NULL, -5, t->lport);
	row_str(r, "RADDR", NULL, aw, net_addr(raddr, sizeof(raddr), t->ip, t->raddr),
		sizeof(raddr));
	row_uint(r, "RPORT", NULL, -5, t->rport);
	row_double(r, "TX_KB", NULL, -6, 2, e->tx_bytes / 1024.0);
	row_double(r, "RX_KB", NULL, -6, 2, e->rx_bytes / 1024.0);
	row_uint(r, NULL, "tx_bytes", 0, e->tx_bytes);
	row_uint(r, NULL, "rx_bytes", 0, e->rx_bytes);
	row_double(r, "MS", "ms", 0, 2, e->span_ns / 1e6);
}

/*
 * inet_sock_set_state: tp_btf, raw_tp or the classic tracepoint; the exits of
 * accept4() and accept(), for the process of each accepted session.
 */
static int choose_hooks(struct tcplife_bpf *skel)
{
	const struct syscall_pair tp[] = {
		{ NULL, skel->progs.accept4_exit },
		{ NULL, skel->progs.accept_exit },
	};
	const struct syscall_pair raw = { NULL, skel->progs.accept_sys_exit_raw };

	if (syscall_hooks_choose(skel->obj, "accept4()", tp, ARRAY_SIZE(tp), &raw) < 0)
		return -1;
	return hook_choose_each(skel->obj, NULL);
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct tcplife_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(tcplife_bpf);
	if (!skel)
		return 1;
	port_set_copy(&opts.lports, skel->rodata->filter_lports, &skel->rodata->filter_lports_on);
	port_set_copy(&opts.rports, skel->rodata->filter_rports, &skel->rodata->filter_rports_on);
	if (!choose_hooks(skel))
		err = tool_run_events(&(struct tool_events){
			.skel = skel->skeleton,
			.row = life_row,
			.rec_size = sizeof(struct life_event),
			.rec_min = sizeof(struct life_event),
		});
	tcplife_bpf__destroy(skel);
	return err;
}

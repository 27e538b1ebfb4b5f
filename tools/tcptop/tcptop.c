// SPDX-License-Identifier: GPL-2.0
/* tcptop: TCP throughput per process and connection, per interval, as a live table. */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "hist.h"
#include "net.h"
#include "probe.h"
#include "tool.h"
#include "top.h"
#include "tcptop.h"
#include "tcptop.skel.h"

enum sort_by { SORT_ALL, SORT_SENT, SORT_RECEIVED };

static struct {
	enum sort_by sort;
	bool nosummary;
} opts;

static const struct opt_pick picks[] = {
	{ OPT_IPV4, '4', NULL, NULL },
	{ OPT_IPV6, '6', NULL, NULL },
	{ OPT_CGROUP, 'c', NULL, "Trace processes in this cgroup only" },
	{ OPT_NOCLEAR, 'C', NULL, "Don't clear the screen" },
	{ OPT_PID, 'p', NULL, "Trace this process only (or these: PID,PID...)" },
	{ OPT_MAXROWS, 'r', "rows", "Maximum rows to print, default 20" },
	{ OPT_INTERVAL, 0, NULL, NULL },
	{},
};

static const struct argp_option options[] = {
	{ "sort", 's', "SORT", 0, "Sort by all (sent + received, the default), sent or received",
	  0 },
	{ "nosummary", 'S', NULL, 0, "Skip the system summary (time and loadavg) line", 0 },
	{},
};

static const char doc[] =
	"TCP send and receive throughput by process and connection: the bytes each process "
	"passed to send calls and got from receive calls, refreshed every interval (1 second "
	"by default).\v"
	"Examples:\n"
	"  tcptop              # TCP top, refresh every 1s\n"
	"  tcptop -p 1216      # only trace PID 1216\n"
	"  tcptop -c path      # only trace the given cgroup path\n"
	"  tcptop 5 10         # 5s summaries, 10 times\n"
	"  tcptop -C -S -r 5   # don't clear the screen, no summary line, top 5 rows\n"
	"  tcptop -s sent      # the most bytes sent first\n"
	"  tcptop --json 5     # one JSON object every 5 seconds";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	static const char *const names[] = { "all", "sent", "received" };
	(void)state;
	switch (key) {
	case 'S':
		opts.nosummary = true;
		return 0;
	case 's':
		opts.sort = cli_parse_choice("-s", arg, names, ARRAY_SIZE(names));
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

/* A row as hist_drain lays it out: the map's key, then its value. */
struct rec {
	struct flow_key key;
	struct flow_bytes val;
};

static struct rec recs[MAX_FLOWS];

static void flow_row(struct row *r, const void *p)
{
	const struct rec *e = p;
	const struct net_tuple *t = &e->key.t;
	char local[NET_ENDPOINT_LEN] = "", remote[NET_ENDPOINT_LEN] = "";

	if (r->mode != ROW_HEADER) {
		net_endpoint(local, sizeof(local), t->ip, t->laddr, t->lport, NET_EP_COLON);
		net_endpoint(remote, sizeof(remote), t->ip, t->raddr, t->rport, NET_EP_COLON);
	}
	row_uint(r, "PID", "pid", -6, e->key.pid);
	/* As upstream, the name is cut at 12 bytes in the text; JSON has it whole. */
	row_str(r, "COMM", NULL, -12, e->key.comm, 12);
	row_str(r, NULL, "comm", 0, e->key.comm, sizeof(e->key.comm));
	if (r->mode == ROW_JSON)
		net_json_tuple(&r->j, t);
	row_str(r, "LADDR", NULL, -21, local, sizeof(local));
	row_str(r, "RADDR", NULL, -21, remote, sizeof(remote));
	row_uint(r, "RX_KB", "rx_kb", 6, e->val.rx / 1024);
	row_uint(r, "TX_KB", "tx_kb", 6, e->val.tx / 1024);
	row_uint(r, NULL, "rx_bytes", 0, e->val.rx);
	row_uint(r, NULL, "tx_bytes", 0, e->val.tx);
}

/* Largest first; ties by the key (PID first), so the order is stable. */
static int by_sort(const void *pa, const void *pb)
{
	const struct rec *a = pa, *b = pb;
	int c;

	switch (opts.sort) {
	case SORT_SENT:
		c = top_cmp_desc(a->val.tx, b->val.tx);
		break;
	case SORT_RECEIVED:
		c = top_cmp_desc(a->val.rx, b->val.rx);
		break;
	default:
		c = top_cmp_desc(a->val.tx + a->val.rx, b->val.tx + b->val.rx);
	}
	if (c)
		return c;
	if (a->key.pid != b->key.pid)
		return a->key.pid < b->key.pid ? -1 : 1;
	return memcmp(&a->key, &b->key, sizeof(a->key));
}

static int print_top(void *ctx)
{
	struct tcptop_bpf *skel = ctx;
	int n = hist_drain(bpf_map__fd(skel->maps.flows),
			   &(struct hist_records){
				   .recs = recs,
				   .rec_size = sizeof(recs[0]),
				   .value_off = offsetof(struct rec, val),
				   .max = MAX_FLOWS,
			   });

	if (n < 0) {
		cli_warn("cannot read the connection counts: %s", strerror(-n));
		return -1;
	}
	return top_print(&(struct top_view){
		.row = flow_row,
		.recs = recs,
		.n = n,
		.rec_size = sizeof(recs[0]),
		.cmp = by_sort,
		.rows_key = "connections",
		.no_status = opts.nosummary,
	});
}

/*
 * Sends and receives each take the first hook that works: the socket
 * tracepoints (Linux 6.3), else TCP's functions through fentry/fexit, else
 * kprobes.
 */
static int choose_hooks(struct tcptop_bpf *skel)
{
	struct bpf_program *send[] = { skel->progs.send_btf, skel->progs.send_raw,
				       skel->progs.send_tp, skel->progs.send_fexit,
				       skel->progs.send_kprobe };
	struct bpf_program *recv[] = { skel->progs.recv_btf, skel->progs.recv_raw,
				       skel->progs.recv_tp, skel->progs.recv_fentry,
				       skel->progs.recv_kprobe };

	if (hook_choose("TCP sends (sock_send_length, before Linux 6.3 tcp_sendmsg)", send,
			ARRAY_SIZE(send)) < 0)
		return -1;
	if (hook_choose("TCP receives (sock_recv_length, before Linux 6.3 tcp_cleanup_rbuf)", recv,
			ARRAY_SIZE(recv)) < 0)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct tcptop_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	if (gopts.interval == INT_MAX)
		gopts.interval = 1;
	skel = TOOL_OPEN(tcptop_bpf);
	if (!skel)
		return 1;
	if (!choose_hooks(skel))
		err = tool_run_intervals(&(struct tool_intervals){
			.skel = skel->skeleton,
			.print_interval = print_top,
			.ctx = skel,
			.lines = true,
		});
	tcptop_bpf__destroy(skel);
	return err;
}

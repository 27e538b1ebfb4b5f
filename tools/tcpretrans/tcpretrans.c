// SPDX-License-Identifier: GPL-2.0
/* tcpretrans: trace TCP retransmits system wide, or count them per flow. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "hist.h"
#include "net.h"
#include "output.h"
#include "probe.h"
#include "row.h"
#include "tool.h"
#include "tcpretrans.h"
#include "tcpretrans.skel.h"

static struct {
	bool sequence;
	bool lossprobe;
	bool count;
} opts;

static const struct opt_pick picks[] = {
	{ OPT_IPV4, '4', NULL, NULL },
	{ OPT_IPV6, '6', NULL, NULL },
	{},
};

static const struct argp_option options[] = {
	{ "sequence", 's', NULL, 0, "Display TCP sequence numbers", 0 },
	{ "lossprobe", 'l', NULL, 0, "Include tail loss probe attempts (needs fentry or kprobes)",
	  0 },
	{ "count", 'c', NULL, 0, "Count retransmits per flow; print the totals at Ctrl-C", 0 },
	{},
};

static const char doc[] = "Trace TCP retransmits: the flow, type and TCP state of each one.\v"
			  "Examples:\n"
			  "  tcpretrans             # trace TCP retransmits\n"
			  "  tcpretrans -l          # also tail loss probe attempts\n"
			  "  tcpretrans -s          # with the TCP sequence number\n"
			  "  tcpretrans -c          # count retransmits per flow until Ctrl-C\n"
			  "  tcpretrans -4          # IPv4 only\n"
			  "  tcpretrans -6          # IPv6 only\n"
			  "  tcpretrans --json      # one JSON object per retransmit";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)arg;
	(void)state;
	switch (key) {
	case 's':
		opts.sequence = true;
		return 0;
	case 'l':
		opts.lossprobe = true;
		return 0;
	case 'c':
		opts.count = true;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const char *type_str(const struct retrans_event *e)
{
	return e->type == RETRANS_TLP ? "L" : "R";
}

static void retrans_row(struct row *r, const void *rec)
{
	const struct retrans_event *e = rec;
	const struct net_tuple *t = &e->flow;
	char local[NET_ENDPOINT_LEN], remote[NET_ENDPOINT_LEN], num[16];

	net_endpoint(local, sizeof(local), t->ip, t->laddr, t->lport, NET_EP_COLON);
	net_endpoint(remote, sizeof(remote), t->ip, t->raddr, t->rport, NET_EP_COLON);
	row_hms(r, "TIME");
	row_secs(r, NULL, e->ts_ns);
	row_uint(r, "PID", "pid", -7, e->pid);
	if (r->mode == ROW_JSON)
		net_json_tuple(&r->j, t);
	row_uint(r, "IP", NULL, -2, t->ip);
	row_str(r, "LADDR:LPORT", NULL, -20, local, sizeof(local));
	if (row_text_col(r, "T>", 0))
		fprintf(r->f, "%s>", type_str(e));
	row_str(r, "RADDR:RPORT", NULL, -20, remote, sizeof(remote));
	row_str(r, NULL, "type", 0, type_str(e), 2);
	if (r->mode == ROW_JSON)
		net_json_tcp_state(&r->j, "state", e->state);
	row_str(r, "STATE", NULL, opts.sequence ? -12 : 0,
		net_tcp_state(e->state, num, sizeof(num)), sizeof(num));
	row_uint(r, opts.sequence ? "SEQ" : NULL, "seq", 0, e->seq);
}

/* -c: a flow and its totals as hist_drain lays them out; pages never used are never allocated. */
static struct flow {
	struct net_tuple key;
	struct flow_count count;
} flows[MAX_FLOWS];

static unsigned long long flow_total(const struct flow *f)
{
	return f->count.retransmits + f->count.tlps;
}

/* IPv4 flows first, then IPv6; each by ascending count, busiest last. */
static int cmp_flows(const void *a, const void *b)
{
	const struct flow *fa = a, *fb = b;
	unsigned long long ta = flow_total(fa), tb = flow_total(fb);

	if (fa->key.ip != fb->key.ip)
		return fa->key.ip < fb->key.ip ? -1 : 1;
	return ta < tb ? -1 : ta > tb;
}

static const struct hist_records flow_table = {
	.recs = flows,
	.rec_size = sizeof(flows[0]),
	.value_off = offsetof(struct flow, count),
	.max = MAX_FLOWS,
	.cmp = cmp_flows,
};

static void flow_row(struct row *r, const void *rec)
{
	const struct flow *f = rec;
	const struct net_tuple *t = &f->key;
	char local[NET_ENDPOINT_LEN], remote[NET_ENDPOINT_LEN];

	net_endpoint(local, sizeof(local), t->ip, t->laddr, t->lport, NET_EP_HASH);
	net_endpoint(remote, sizeof(remote), t->ip, t->raddr, t->rport, NET_EP_HASH);
	if (r->mode == ROW_JSON)
		net_json_tuple(&r->j, t);
	row_str(r, "LADDR:LPORT", NULL, -20, local, sizeof(local));
	if (row_text_col(r, "", 3))
		fputs("<->", r->f);
	row_str(r, "RADDR:RPORT", NULL, -20, remote, sizeof(remote));
	row_uint(r, "RETRANSMITS", NULL, 11, flow_total(f));
	row_uint(r, NULL, "retransmits", 0, f->count.retransmits);
	row_uint(r, NULL, "tlps", 0, f->count.tlps);
}

/* -c, at the end: the per-flow totals the kernel kept. */
static int print_counts(void *ctx)
{
	struct tcpretrans_bpf *skel = ctx;
	int i, n = hist_drain(bpf_map__fd(skel->maps.flows), &flow_table);

	if (n < 0) {
		cli_warn("cannot read the flow table: %s", strerror(-n));
		return n;
	}
	if (!common_opts.json)
		putchar('\n');
	row_print_header(flow_row, &(struct flow){});
	for (i = 0; i < n; i++)
		row_print(flow_row, &flows[i]);
	return 0;
}

static int choose_hooks(struct tcpretrans_bpf *skel)
{
	struct bpf_program *tlp[] = { skel->progs.tlp_fentry, skel->progs.tlp_kprobe };

	/* No tracepoint marks a TLP: -l needs a hook on the function that sends it. */
	if (opts.lossprobe && hook_choose("tail loss probes (-l)", tlp, 2) < 0)
		return -1;
	if (!opts.lossprobe) {
		bpf_program__set_autoload(skel->progs.tlp_fentry, false);
		bpf_program__set_autoload(skel->progs.tlp_kprobe, false);
	}
	return hook_choose_each(skel->obj, NULL);
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct tcpretrans_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(tcpretrans_bpf);
	if (!skel)
		return 1;
	/* -c sends no events: the kernel counts, and the totals are printed at the end. */
	skel->rodata->count_mode = opts.count;
	if (!choose_hooks(skel))
		err = tool_run_events(&(struct tool_events){
			.skel = skel->skeleton,
			.row = opts.count ? NULL : retrans_row, /* -c: counted in the kernel */
			.rec_size = sizeof(struct retrans_event),
			.rec_min = sizeof(struct retrans_event),
			.banner = "Tracing retransmits ... Hit Ctrl-C to end",
			.ctx = skel,
			.print_summary = opts.count ? print_counts : NULL,
		});
	tcpretrans_bpf__destroy(skel);
	return err;
}

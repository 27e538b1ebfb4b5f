// SPDX-License-Identifier: GPL-2.0
/* tcpconnect: trace active TCP connects system wide, or count them. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "hist.h"
#include "net.h"
#include "output.h"
#include "probe.h"
#include "row.h"
#include "syscalls.h"
#include "tool.h"
#include "ports.h"
#include "tcpconnect.h"
#include "tcpconnect.skel.h"

static struct {
	bool count;
	bool source_port; /* -s: libbpf-tools' SPORT column, counts per local port */
	bool lport;	  /* -L: BCC's LPORT column */
	bool print_uid;
	struct port_set ports; /* -P */
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
	{ "count", 'c', NULL, 0, "Count connects per source and destination address and port", 0 },
	{ "print-uid", 'U', NULL, 0, "Include a UID column", 0 },
	{ "port", 'P', "PORTS", 0,
	  "Only trace these destination ports (PORT[,PORT...], LOW-HIGH ranges)", 0 },
	{ "source-port", 's', NULL, 0, "Include an SPORT column; with -c count per source port",
	  0 },
	{ "lport", 'L', NULL, 0, "Include an LPORT (local port) column", 0 },
	{},
};

static const char doc[] =
	"Trace active TCP connects: the process, addresses and destination port of each.\v"
	"Examples:\n"
	"  tcpconnect             # every TCP connect\n"
	"  tcpconnect -t          # with seconds since the start\n"
	"  tcpconnect -p 181      # only process 181\n"
	"  tcpconnect -P 80,443   # only to ports 80 and 443\n"
	"  tcpconnect -U -u 1000  # only UID 1000, with a UID column\n"
	"  tcpconnect -L          # with the local port\n"
	"  tcpconnect -c          # count connects per address pair and port until Ctrl-C\n"
	"  tcpconnect -4          # IPv4 only\n"
	"  tcpconnect --cgroup /sys/fs/cgroup/system.slice  # only that cgroup\n"
	"  tcpconnect --json      # one JSON object per connect";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	switch (key) {
	case 'c':
		opts.count = true;
		return 0;
	case 'U':
		opts.print_uid = true;
		return 0;
	case 'P':
		port_set_parse(&opts.ports, "-P", arg);
		return 0;
	case 's':
		opts.source_port = true;
		return 0;
	case 'L':
		opts.lport = true;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static void connect_row(struct row *r, const void *rec)
{
	const struct connect_event *e = rec;
	const struct net_tuple *t = &e->t;
	char saddr[NET_ADDR_LEN], daddr[NET_ADDR_LEN];
	bool lport = opts.lport || opts.source_port;

	net_addr(saddr, sizeof(saddr), t->ip, t->laddr);
	net_addr(daddr, sizeof(daddr), t->ip, t->raddr);
	row_secs(r, gopts.timestamp ? "TIME(s)" : NULL, e->ts_ns);
	row_uint(r, opts.print_uid ? "UID" : NULL, "uid", -6, e->uid);
	row_uint(r, "PID", "pid", -7, e->pid);
	row_uint(r, NULL, "tid", 0, e->tid);
	row_str(r, "COMM", "comm", -12, e->comm, sizeof(e->comm));
	row_uint(r, "IP", "ip", -2, t->ip);
	row_str(r, "SADDR", "saddr", -16, saddr, sizeof(saddr));
	row_uint(r, opts.lport ? "LPORT" : NULL, lport ? "lport" : NULL, -6, t->lport);
	row_str(r, "DADDR", "daddr", -16, daddr, sizeof(daddr));
	row_uint(r, opts.source_port ? "SPORT" : NULL, NULL, -5, t->lport);
	row_uint(r, "DPORT", "dport", 0, t->rport);
}

/* -c: an address pair and port with its count, as hist_drain lays them out. */
static struct flow {
	struct net_tuple key;
	__u64 count;
} flows[MAX_FLOWS];

/* IPv4 first, then IPv6; each by ascending count, busiest last. */
static int cmp_flows(const void *a, const void *b)
{
	const struct flow *fa = a, *fb = b;

	if (fa->key.ip != fb->key.ip)
		return fa->key.ip < fb->key.ip ? -1 : 1;
	return fa->count < fb->count ? -1 : fa->count > fb->count;
}

static void flow_row(struct row *r, const void *rec)
{
	const struct flow *f = rec;
	const struct net_tuple *t = &f->key;
	char laddr[NET_ADDR_LEN], raddr[NET_ADDR_LEN];

	net_addr(laddr, sizeof(laddr), t->ip, t->laddr);
	net_addr(raddr, sizeof(raddr), t->ip, t->raddr);
	row_uint(r, NULL, "ip", 0, t->ip);
	row_str(r, "LADDR", "laddr", -25, laddr, sizeof(laddr));
	row_str(r, "RADDR", "raddr", -25, raddr, sizeof(raddr));
	row_uint(r, opts.source_port ? "LPORT" : NULL, opts.source_port ? "lport" : NULL, -20,
		 t->lport);
	row_uint(r, "RPORT", "rport", -20, t->rport);
	row_uint(r, "CONNECTS", "connects", 0, f->count);
}

/* -c, at the end: the counts the kernel kept. */
static int print_counts(void *ctx)
{
	struct tcpconnect_bpf *skel = ctx;
	int i, n = hist_drain(bpf_map__fd(skel->maps.counts),
			      &(struct hist_records){
				      .recs = flows,
				      .rec_size = sizeof(flows[0]),
				      .value_off = offsetof(struct flow, count),
				      .max = MAX_FLOWS,
				      .cmp = cmp_flows,
			      });

	if (n < 0) {
		cli_warn("cannot read the counts: %s", strerror(-n));
		return n;
	}
	if (!common_opts.json)
		putchar('\n');
	row_print_header(flow_row, &(struct flow){});
	for (i = 0; i < n; i++)
		row_print(flow_row, &flows[i]);
	return 0;
}

static void disable(struct bpf_program *const *progs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		bpf_program__set_autoload(progs[i], false);
}

/* The programs of the entry and return of tcp_v4_connect() and tcp_v6_connect() by kprobes. */
static bool kprobes_work(struct bpf_program *const *progs)
{
	const char *why;
	int i;

	for (i = 0; i < 4; i++) {
		if (!hook_available(progs[i], &why))
			return false;
	}
	return true;
}

/*
 * The local port (-L, -s) is chosen after the SYN_SENT tracepoint: where
 * fexit works, tcp_v4/v6_connect() returning report the whole connect; else
 * kprobes and kretprobes on them; else the tracepoint waits for the
 * connect() call's exit (or for the socket to leave SYN_SENT).  Without the
 * port the tracepoint alone reports.
 */
static int choose_hooks(struct tcpconnect_bpf *skel)
{
	typeof(skel->progs) *p = &skel->progs;
	struct bpf_program *fexit[] = { p->v4_connect_fexit, p->v6_connect_fexit };
	struct bpf_program *kprobes[] = { p->v4_connect_kprobe, p->v6_connect_kprobe,
					  p->v4_connect_kretprobe, p->v6_connect_kretprobe };
	struct bpf_program *state[] = { p->set_state_btf, p->set_state_raw, p->set_state_tp };
	struct bpf_program *sys[] = { p->connect_exit, p->sys_exit_raw };
	const struct syscall_pair tp = { NULL, p->connect_exit }, raw = { NULL, p->sys_exit_raw };
	bool need_port = opts.lport || opts.source_port;
	const char *why;

	if (need_port && hook_available(fexit[0], &why) && hook_available(fexit[1], &why)) {
		disable(state, 3);
		disable(sys, 2);
		disable(kprobes, 4);
		return hook_choose_each(skel->obj, NULL);
	}
	disable(fexit, 2);
	if (need_port && kprobes_work(kprobes)) {
		/* hook_choose_each keeps one program per function: the returns are chosen alone. */
		disable(state, 3);
		disable(sys, 2);
		disable(kprobes + 2, 2);
		if (hook_choose_each(skel->obj, NULL) ||
		    hook_choose("tcp_v4_connect() returns", &kprobes[2], 1) < 0 ||
		    hook_choose("tcp_v6_connect() returns", &kprobes[3], 1) < 0)
			return -1;
		return 0;
	}
	disable(kprobes, 4);
	if (!need_port)
		disable(sys, 2);
	else if (syscall_hooks_choose(skel->obj, "connect()", &tp, 1, &raw) < 0)
		return -1;
	return hook_choose_each(skel->obj, NULL);
}

static void configure(struct tcpconnect_bpf *skel)
{
	skel->rodata->want_lport = opts.lport || opts.source_port;
	skel->rodata->count_mode = opts.count;
	skel->rodata->count_lport = opts.count && opts.source_port;
	port_set_copy(&opts.ports, skel->rodata->filter_port_bits, &skel->rodata->filter_ports);
	bpf_map__set_max_entries(skel->maps.connecting, probe_threads_room(1, 1024));
	if (!skel->rodata->want_lport) {
		bpf_map__set_max_entries(skel->maps.pending, 1);
		bpf_map__set_max_entries(skel->maps.connecting, 1);
	}
	if (!opts.count)
		bpf_map__set_max_entries(skel->maps.counts, 1);
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct tcpconnect_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(tcpconnect_bpf);
	if (!skel)
		return 1;
	configure(skel);
	if (!choose_hooks(skel))
		err = tool_run_events(&(struct tool_events){
			.skel = skel->skeleton,
			.row = opts.count ? NULL : connect_row, /* -c: counted in the kernel */
			.rec_size = sizeof(struct connect_event),
			.rec_min = sizeof(struct connect_event),
			.banner = opts.count ? "Tracing connect ... Hit Ctrl-C to end" : NULL,
			.ctx = skel,
			.print_summary = opts.count ? print_counts : NULL,
		});
	tcpconnect_bpf__destroy(skel);
	return err;
}

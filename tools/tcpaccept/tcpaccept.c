// SPDX-License-Identifier: GPL-2.0
/* tcpaccept: trace TCP connections accepted by processes, system wide. */
#include <stdio.h>
#include <string.h>

#include "accept.h"
#include "ports.h"
#include "net.h"
#include "probe.h"
#include "row.h"
#include "syscalls.h"
#include "tool.h"
#include "tcpaccept.h"
#include "tcpaccept.skel.h"

static struct {
	struct port_set ports; /* -P */
} opts;

static const struct opt_pick picks[] = {
	{ OPT_TIME, 'T', "time", "Include a time column (HH:MM:SS)" },
	{ OPT_TIMESTAMP, 't', "timestamp", "Include seconds since the trace started" },
	{ OPT_PID, 'p', NULL, NULL },
	{ OPT_IPV4, '4', NULL, "Trace IPv4 only" },
	{ OPT_IPV6, '6', NULL, "Trace IPv6 only" },
	{ OPT_UID, 'u', NULL, NULL },
	{ OPT_COMM, 'n', NULL, NULL },
	{ OPT_CGROUP, 'c', NULL, NULL },
	{ OPT_DURATION, 'd', NULL, NULL },
	{},
};

static const struct argp_option options[] = {
	{ "port", 'P', "PORTS", 0, "Only these local ports (comma-separated, ranges LOW-HIGH)", 0 },
	{},
};

static const char doc[] =
	"Trace TCP connections accepted by accept() and accept4(): who accepted what.\v"
	"RADDR/RPORT is the peer, LADDR/LPORT the local end (the listening port).\n\n"
	"Examples:\n"
	"  tcpaccept              # every accepted TCP connection\n"
	"  tcpaccept -t           # with seconds since the start\n"
	"  tcpaccept -T           # with the time of day\n"
	"  tcpaccept -P 80,81     # only local ports 80 and 81\n"
	"  tcpaccept -p 181       # only process 181\n"
	"  tcpaccept -4           # IPv4 only\n"
	"  tcpaccept -6           # IPv6 only\n"
	"  tcpaccept --json       # one JSON object per connection";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	switch (key) {
	case 'P':
		port_set_parse(&opts.ports, "-P", arg);
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static void accept_row(struct row *r, const void *rec)
{
	const struct accept_event *e = rec;
	const struct net_tuple *t = &e->t;
	char laddr[NET_ADDR_LEN], raddr[NET_ADDR_LEN];
	bool task = e->fd >= 0; /* else seen at the handshake: no process */

	row_hms(r, gopts.time ? "TIME" : NULL);
	row_secs(r, gopts.timestamp ? "TIME(s)" : NULL, e->ts_ns);
	if (task) {
		row_uint(r, "PID", "pid", -7, e->pid);
		row_uint(r, NULL, "tid", 0, e->tid);
		row_uint(r, NULL, "uid", 0, e->uid);
		row_str(r, "COMM", "comm", -16, e->comm, sizeof(e->comm));
		row_int(r, NULL, "fd", 0, e->fd);
	} else {
		row_str(r, "PID", NULL, -7, NULL, 0);
		row_str(r, "COMM", NULL, -16, NULL, 0);
	}
	if (r->mode == ROW_JSON)
		net_json_tuple(&r->j, t);
	row_uint(r, "IP", NULL, -2, t->ip);
	row_str(r, "RADDR", NULL, -16, net_addr(raddr, sizeof(raddr), t->ip, t->raddr),
		sizeof(raddr));
	row_uint(r, "RPORT", NULL, -5, t->rport);
	row_str(r, "LADDR", NULL, -16, net_addr(laddr, sizeof(laddr), t->ip, t->laddr),
		sizeof(laddr));
	row_uint(r, "LPORT", NULL, 0, t->lport);
}

static void disable(struct bpf_program *const *progs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		bpf_program__set_autoload(progs[i], false);
}

/* Without syscall hooks no process is known: the filters by process cannot work. */
static int handshake_only(struct bpf_program *const *state, size_t n)
{
	if (gopts.npids || gopts.uid != -1 || gopts.comm[0] || gopts.cgroup) {
		cli_warn("-p, -u, -n and -c need the accept() syscall hooks, which this kernel "
			 "lacks (no syscall tracepoints, no raw tracepoints)");
		return -1;
	}
	if (hook_choose_optional(state, n) < 0) {
		cli_warn("cannot trace accept() on this kernel: it has no syscall tracepoints "
			 "(CONFIG_FTRACE_SYSCALLS), raw tracepoints (Linux >= 4.17) or "
			 "sock:inet_sock_set_state tracepoint (Linux >= 4.16)");
		return -1;
	}
	if (common_opts.verbose)
		fprintf(stderr, "tcpaccept: no syscall hooks: connections shown at the end of "
				"their handshake, without the process\n");
	return 0;
}

/*
 * accept4() everywhere (accept() where the architecture has it), at their
 * syscall tracepoints, else raw_syscalls; else the handshake.
 */
static int choose_hooks(struct tcpaccept_bpf *skel)
{
	typeof(skel->progs) *p = &skel->progs;
	const struct syscall_pair tp[] = { { NULL, p->accept4_exit }, { NULL, p->accept_exit } };
	const struct syscall_pair raw = { NULL, p->sys_exit_raw };
	struct bpf_program *state[] = { p->set_state_btf, p->set_state_raw, p->set_state_tp };
	struct bpf_program *sys[] = { p->accept4_exit, p->accept_exit, p->sys_exit_raw };
	const char *why;

	if (hook_available(p->accept4_exit, &why) || hook_available(p->sys_exit_raw, &why)) {
		disable(state, ARRAY_SIZE(state));
		return syscall_hooks_choose(skel->obj, "accept4()", tp, ARRAY_SIZE(tp), &raw) < 0
			       ? -1
			       : 0;
	}
	disable(sys, ARRAY_SIZE(sys));
	return handshake_only(state, ARRAY_SIZE(state));
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct tcpaccept_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(tcpaccept_bpf);
	if (!skel)
		return 1;
	port_set_copy(&opts.ports, skel->rodata->filter_port_bits, &skel->rodata->filter_ports);
	if (!choose_hooks(skel))
		err = tool_run_events(&(struct tool_events){
			.skel = skel->skeleton,
			.row = accept_row,
			.rec_size = sizeof(struct accept_event),
			.rec_min = sizeof(struct accept_event),
		});
	tcpaccept_bpf__destroy(skel);
	return err;
}

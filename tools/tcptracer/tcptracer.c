// SPDX-License-Identifier: GPL-2.0
/* tcptracer: trace TCP connects, accepts and closes, with the task that made each. */
#include <stdio.h>
#include <string.h>

#include "net.h"
#include "probe.h"
#include "row.h"
#include "syscalls.h"
#include "tool.h"
#include "tcptracer.h"
#include "tcptracer.skel.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static struct {
	bool print_uid;
	__u32 netns;
} opts;

static const struct opt_pick picks[] = {
	{ OPT_TIMESTAMP, 't', NULL,
	  "Include timestamp on output (seconds since the trace started)" },
	{ OPT_PID, 'p', NULL, "Process PID to trace (PID[,PID...])" },
	{ OPT_UID, 'u', NULL, "Process UID to trace (a number or a user name)" },
	{ OPT_COMM, 'n', NULL, "Only commands whose name contains NAME" },
	{ OPT_CGROUP, 'c', NULL, NULL },
	{ OPT_IPV4, '4', NULL, "Trace IPv4 only" },
	{ OPT_IPV6, '6', NULL, "Trace IPv6 only" },
	{ OPT_DURATION, 'd', NULL, NULL },
	{},
};

static const struct argp_option options[] = {
	{ "print-uid", 'U', NULL, 0, "Include UID on output", 0 },
	{ "netns", 'N', "NETNS", 0, "Trace this network namespace only (its inode number)", 0 },
	{},
};

static const char doc[] =
	"Trace TCP connections: connects (C, once established), accepts (A) and closes (X).\v"
	"Examples:\n"
	"  tcptracer              # trace all TCP connections\n"
	"  tcptracer -t           # include timestamps\n"
	"  tcptracer -p 181       # only trace PID 181\n"
	"  tcptracer -U           # include UID\n"
	"  tcptracer -u 1000      # only trace UID 1000\n"
	"  tcptracer -N 4026531840  # only the network namespace with this inode\n"
	"  tcptracer -4           # IPv4 only\n"
	"  tcptracer --json       # one JSON object per event";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	switch (key) {
	case 'U':
		opts.print_uid = true;
		return 0;
	case 'N':
		opts.netns = cli_parse_long("-N", arg, 1, UINT32_MAX);
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const char *const type_letters[] = { "-", "C", "A", "X" };
static const char *const type_names[] = { "unknown", "connect", "accept", "close" };

static unsigned int type_index(const struct tracer_event *e)
{
	return e->type < ARRAY_LEN(type_letters) ? e->type : 0;
}

static void tracer_row(struct row *r, const void *rec)
{
	const struct tracer_event *e = rec;
	const struct net_tuple *t = &e->t;
	char laddr[NET_ADDR_LEN], raddr[NET_ADDR_LEN];

	row_secs(r, gopts.timestamp ? "TIME(s)" : NULL, e->ts_ns);
	row_uint(r, opts.print_uid ? "UID" : NULL, "uid", -5, e->who.uid);
	row_str(r, "T", NULL, 1, type_letters[type_index(e)], 2);
	row_str(r, NULL, "type", 0, type_names[type_index(e)], 8);
	row_uint(r, "PID", "pid", -6, e->who.pid);
	row_str(r, "COMM", "comm", -12, e->who.comm, sizeof(e->who.comm));
	if (r->mode == ROW_JSON) {
		net_json_tuple(&r->j, t);
		json_uint(&r->j, "netns", e->netns);
		return;
	}
	net_addr(laddr, sizeof(laddr), t->ip, t->laddr);
	net_addr(raddr, sizeof(raddr), t->ip, t->raddr);
	row_uint(r, "IP", NULL, -2, t->ip);
	row_str(r, "SADDR", NULL, -16, laddr, sizeof(laddr));
	row_str(r, "DADDR", NULL, -16, raddr, sizeof(raddr));
	row_uint(r, "SPORT", NULL, -5, t->lport);
	row_uint(r, "DPORT", NULL, 0, t->rport);
}

/*
 * accept4() and accept() at their exit (else raw_syscalls' sys_exit);
 * inet_sock_set_state and tcp_destroy_sock as tp_btf, raw_tp or tracepoint.
 */
static int choose_hooks(struct tcptracer_bpf *skel)
{
	const struct syscall_pair tp[] = {
		{ NULL, skel->progs.accept4_exit },
		{ NULL, skel->progs.accept_exit },
	};
	const struct syscall_pair raw = { NULL, skel->progs.sys_exit_raw };

	/* Without it (before 5.3), closes of connections the kernel had closed are not seen. */
	static const char *const optional[] = { "tcp_destroy_sock", NULL };

	if (syscall_hooks_choose(skel->obj, "accept4()", tp, ARRAY_LEN(tp), &raw) < 0)
		return -1;
	return hook_choose_each(skel->obj, optional);
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct tcptracer_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(tcptracer_bpf);
	if (!skel)
		return 1;
	skel->rodata->filter_netns = opts.netns;
	if (!choose_hooks(skel))
		err = tool_run_events(&(struct tool_events){
			.skel = skel->skeleton,
			.row = tracer_row,
			.rec_size = sizeof(struct tracer_event),
			.rec_min = sizeof(struct tracer_event),
		});
	tcptracer_bpf__destroy(skel);
	return err;
}

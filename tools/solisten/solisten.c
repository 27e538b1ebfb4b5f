// SPDX-License-Identifier: GPL-2.0
/* solisten: trace listen() on IPv4 and IPv6 sockets: who, which address and port, what backlog. */
#include <stdio.h>
#include <string.h>
#include <netinet/in.h>

#include "names.h"
#include "net.h"
#include "probe.h"
#include "row.h"
#include "syscalls.h"
#include "tool.h"
#include "solisten.h"
#include "solisten.skel.h"

#ifndef IPPROTO_MPTCP
#define IPPROTO_MPTCP 262
#endif

enum { OPT_SHOW_NETNS = 0x100 };

static struct {
	bool show_netns;
	unsigned long long netns;
} opts;

static const struct opt_pick picks[] = {
	{ OPT_PID, 'p', NULL, NULL },
	{ OPT_TIME, 't', "timestamp", "Include a time column (HH:MM:SS)" },
	{},
};

static const struct argp_option options[] = {
	{ "show-netns", OPT_SHOW_NETNS, NULL, 0, "Show the network namespace (NETNS column)", 0 },
	{ "netns", 'n', "NETNS", 0, "Only trace sockets of this network namespace (inode number)",
	  0 },
	{},
};

static const char doc[] =
	"Trace listen() calls on IPv4 and IPv6 sockets: the process, the socket's\n"
	"protocol, address and port, and the backlog.\v"
	"RET is the call's result (0, or a negative errno).  BACKLOG is the queue\n"
	"length the socket got (the argument capped by net.core.somaxconn), or the\n"
	"argument as passed when the call failed.  NETNS (--show-netns) is the\n"
	"inode number of the socket's network namespace, as in\n"
	"readlink /proc/PID/ns/net.\n\n"
	"Examples:\n"
	"  solisten               # every listen()\n"
	"  solisten -t            # with a time column\n"
	"  solisten -p 1216       # process 1216 only\n"
	"  solisten --show-netns  # with the network namespace\n"
	"  solisten -n 4026532257 # sockets of that network namespace only\n"
	"  solisten --json        # one JSON object per call";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	switch (key) {
	case OPT_SHOW_NETNS:
		opts.show_netns = true;
		return 0;
	case 'n':
		opts.netns = cli_parse_long("-n", arg, 1, 0xffffffffL);
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

/* "TCPv4", "TCPv6", ...: the protocol, else the socket type, and the family. */
static const char *proto_name(const struct listen_event *e, char *buf, size_t len)
{
	const char *p;

	switch (e->protocol) {
	case IPPROTO_TCP:
		p = "TCP";
		break;
	case IPPROTO_MPTCP:
		p = "MPTCP";
		break;
	case IPPROTO_SCTP:
		p = "SCTP";
		break;
	case IPPROTO_UDP:
		p = "UDP";
		break;
	default:
		p = "UNK";
	}
	snprintf(buf, len, "%sv%u", p, e->ip);
	return buf;
}

static void listen_row(struct row *r, const void *rec)
{
	const struct listen_event *e = rec;
	char addr[NET_ADDR_LEN], proto[16];

	row_hms(r, gopts.time ? "TIME" : NULL);
	row_secs(r, NULL, e->ts_ns);
	row_uint(r, "PID", "pid", -7, e->pid);
	row_uint(r, NULL, "tid", 0, e->tid);
	row_str(r, "COMM", "comm", -16, e->comm, sizeof(e->comm));
	row_uint(r, opts.show_netns ? "NETNS" : NULL, "netns", -10, e->netns);
	row_int(r, "RET", "ret", -3, e->ret);
	row_str(r, NULL, "error", 0, e->ret < 0 ? errno_name(e->ret) : NULL, 32);
	row_int(r, "BACKLOG", "backlog", -7, e->backlog);
	row_str(r, "PROTO", "proto", -5, proto_name(e, proto, sizeof(proto)), sizeof(proto));
	row_uint(r, NULL, "ip", 0, e->ip);
	row_uint(r, "PORT", "port", -5, e->port);
	row_str(r, "ADDR", "addr", 0, net_addr(addr, sizeof(addr), e->ip, e->addr), sizeof(addr));
}

/* listen() exit alone where the saved registers can be read (5.15+), else with its entry. */
static int choose_hooks(struct solisten_bpf *skel)
{
	bool alone = probe_helper("task_pt_regs", BPF_FUNC_task_pt_regs);
	struct syscall_pair tp = {
		alone ? NULL : skel->progs.listen_enter,
		alone ? skel->progs.listen_exit_regs : skel->progs.listen_exit,
	};
	struct syscall_pair raw = { NULL, skel->progs.sys_exit_raw };
	int how = syscall_hooks_choose(skel->obj, "listen()", &tp, 1, &raw);

	if (how == SYSCALL_HOOKS_TRACEPOINTS && !alone)
		bpf_map__set_max_entries(skel->maps.stash, probe_threads_room(1, 1024));
	if (how >= 0 && common_opts.verbose)
		fprintf(stderr, "solisten: arguments read %s\n",
			how == SYSCALL_HOOKS_RAW ? "from the registers at syscall exit"
			: alone			 ? "from saved registers at syscall exit"
						 : "at syscall entry");
	return how < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct solisten_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(solisten_bpf);
	if (!skel)
		return 1;
	skel->rodata->filter_netns = opts.netns;
	if (!choose_hooks(skel))
		err = tool_run_events(&(struct tool_events){
			.skel = skel->skeleton,
			.row = listen_row,
			.rec_size = sizeof(struct listen_event),
			.rec_min = sizeof(struct listen_event),
			.banner = NULL,
		});
	solisten_bpf__destroy(skel);
	return err;
}

// SPDX-License-Identifier: GPL-2.0
/* bindsnoop: trace bind() on IPv4 and IPv6 sockets, system wide. */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "accept.h"
#include "ports.h"
#include "names.h"
#include "net.h"
#include "row.h"
#include "syscalls.h"
#include "tool.h"
#include "bindsnoop.h"
#include "bindsnoop.skel.h"

static struct {
	struct port_set ports; /* -P */
} opts;

static const struct opt_pick picks[] = {
	{ OPT_TIMESTAMP, 't', "timestamp", "Include seconds since the trace started" },
	{ OPT_FAILED, 'x', "failed", "Include failed binds" },
	{ OPT_PID, 'p', NULL, NULL },
	{ OPT_CGROUP, 'c', NULL, NULL },
	{ OPT_TIME, 'T', "time", "Include a time column (HH:MM:SS)" },
	{ OPT_UID, 'u', NULL, NULL },
	{ OPT_COMM, 'n', NULL, NULL },
	{ OPT_DURATION, 'd', NULL, NULL },
	{},
};

static const struct argp_option options[] = {
	{ "ports", 'P', "PORTS", 0, "Only these ports (comma-separated, ranges LOW-HIGH)", 0 },
	{},
};

static const char doc[] =
	"Trace bind() calls on IPv4 and IPv6 sockets: who bound what, how, and the result.\v"
	"RET is 0 or the negative errno; PORT and ADDR are what was bound (the port the\n"
	"kernel chose for port 0), or for a failed bind what was asked for.  IF is the\n"
	"interface index of SO_BINDTODEVICE (0: none).  Socket options are shown as:\n"
	"  SOL_IP     IP_FREEBIND              F....\n"
	"  SOL_IP     IP_TRANSPARENT           .T...\n"
	"  SOL_IP     IP_BIND_ADDRESS_NO_PORT  ..N..\n"
	"  SOL_SOCKET SO_REUSEADDR             ...R.\n"
	"  SOL_SOCKET SO_REUSEPORT             ....r\n\n"
	"Examples:\n"
	"  bindsnoop              # every successful bind\n"
	"  bindsnoop -t           # with seconds since the start\n"
	"  bindsnoop -x           # failed binds too\n"
	"  bindsnoop -p 1216      # only process 1216\n"
	"  bindsnoop -P 80,81     # only ports 80 and 81\n"
	"  bindsnoop -c /sys/fs/cgroup/system.slice  # only that cgroup\n"
	"  bindsnoop --json       # one JSON object per bind";

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

static const char *proto_name(unsigned int proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "TCP";
	case IPPROTO_UDP:
		return "UDP";
	default:
		return "UNK";
	}
}

/* OPTS: a letter per option set, '.' for one not set ("F...r"). */
static void opts_str(char *buf, unsigned int opts)
{
	int i;

	for (i = 0; i < 5; i++)
		buf[i] = opts & (1 << i) ? BIND_OPT_LETTERS[i] : '.';
	buf[5] = '\0';
}

static void bind_row(struct row *r, const void *rec)
{
	static const char *const names[] = { "freebind", "transparent", "bind_address_no_port",
					     "reuseaddr", "reuseport" };
	const struct bind_event *e = rec;
	char addr[NET_ADDR_LEN], o[6];
	int i;

	opts_str(o, e->opts);
	row_hms(r, gopts.time ? "TIME" : NULL);
	row_secs(r, gopts.timestamp ? "TIME(s)" : NULL, e->ts_ns);
	row_uint(r, "PID", "pid", -7, e->pid);
	row_uint(r, NULL, "tid", 0, e->tid);
	row_uint(r, NULL, "uid", 0, e->uid);
	row_str(r, "COMM", "comm", -16, e->comm, sizeof(e->comm));
	row_int(r, "RET", "ret", -3, e->ret);
	row_str(r, NULL, "error", 0, e->ret < 0 ? errno_name(e->ret) : NULL, 32);
	row_str(r, "PROTO", "proto", -5, proto_name(e->proto), 4);
	row_uint(r, NULL, "protocol", 0, e->proto);
	row_str(r, "OPTS", NULL, -5, o, sizeof(o));
	if (r->mode == ROW_JSON) {
		json_arr_begin(&r->j, "opts");
		for (i = 0; i < 5; i++) {
			if (e->opts & (1 << i))
				json_strn(&r->j, NULL, names[i], strlen(names[i]));
		}
		json_arr_end(&r->j);
	}
	row_int(r, "IF", "if", -4, e->bound_dev_if);
	row_uint(r, "PORT", "port", -5, e->port);
	row_uint(r, NULL, "ip", 0, e->ip);
	row_str(r, "ADDR", "addr", 0, net_addr(addr, sizeof(addr), e->ip, e->addr), sizeof(addr));
}

static int choose_hooks(struct bindsnoop_bpf *skel)
{
	const struct syscall_pair tp[] = { { skel->progs.bind_enter, skel->progs.bind_exit } };
	const struct syscall_pair raw = { skel->progs.sys_enter_raw, skel->progs.sys_exit_raw };

	return syscall_hooks_choose(skel->obj, "bind()", tp, ARRAY_SIZE(tp), &raw) < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct bindsnoop_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(bindsnoop_bpf);
	if (!skel)
		return 1;
	port_set_copy(&opts.ports, skel->rodata->filter_port_bits, &skel->rodata->filter_ports);
	if (!choose_hooks(skel))
		err = tool_run_events(&(struct tool_events){
			.skel = skel->skeleton,
			.row = bind_row,
			.rec_size = sizeof(struct bind_event),
			.rec_min = sizeof(struct bind_event),
		});
	bindsnoop_bpf__destroy(skel);
	return err;
}

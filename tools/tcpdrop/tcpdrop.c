// SPDX-License-Identifier: GPL-2.0
/* tcpdrop: trace TCP packets the kernel drops: addresses, flags, state, reason and kernel stack. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kbtf.h"
#include "names.h"
#include "net.h"
#include "output.h"
#include "probe.h"
#include "row.h"
#include "stacks.h"
#include "tool.h"
#include "tcpdrop.h"
#include "tcpdrop.skel.h"

enum { OPT_NETNS_ID = 0x100, OPT_PID_NETNS };

static struct {
	unsigned long netns_id;
	pid_t pid_netns;
} opts;

static const struct opt_pick picks[] = {
	{ OPT_IPV4, '4', NULL, "Trace IPv4 packets only" },
	{ OPT_IPV6, '6', NULL, "Trace IPv6 packets only" },
	{},
};

static const struct argp_option options[] = {
	{ "netns-id", OPT_NETNS_ID, "ID", 0,
	  "Only drops in this network namespace (its inode number)", 0 },
	{ "pid-netns", OPT_PID_NETNS, "PID", 0,
	  "Only drops in the network namespace of process PID", 0 },
	{},
};

static const char doc[] =
	"Trace TCP packets dropped by the kernel, with the kernel stack that dropped\n"
	"each.\v"
	"SADDR:SPORT > DADDR:DPORT are the packet's own source and destination.\n"
	"STATE is the TCP state of its socket (\"-\" when it has none: no socket\n"
	"matched, or the drop came before the lookup), FLAGS its TCP flags, REASON\n"
	"the kernel's drop reason (enum skb_drop_reason) and CODE its number.  PID\n"
	"is the task on the CPU, often unrelated: packets are received in softirqs.\n"
	"Drops without a reason (NOT_SPECIFIED) are not shown.\n\n"
	"Examples:\n"
	"  tcpdrop                # trace TCP drops\n"
	"  tcpdrop -4             # IPv4 only\n"
	"  tcpdrop -6             # IPv6 only\n"
	"  tcpdrop --pid-netns 181  # drops in the network namespace of process 181\n"
	"  tcpdrop --json         # one JSON object per drop, with its stack";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	switch (key) {
	case OPT_NETNS_ID:
		opts.netns_id = cli_parse_long("--netns-id", arg, 1, 0xffffffffL);
		return 0;
	case OPT_PID_NETNS:
		opts.pid_netns = cli_parse_pid("--pid-netns", arg);
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

/* --pid-netns: the inode number of the process's network namespace. */
static unsigned long netns_of(pid_t pid)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	if (stat(path, &st))
		cli_die("cannot read the network namespace of process %d: %s", (int)pid,
			strerror(errno));
	return st.st_ino;
}

/* ------------------------------------------------------------- reasons */

#define REASONS_MAX   1024
#define REASON_PREFIX "SKB_DROP_REASON_"

/* The names of enum skb_drop_reason, read from the running kernel's BTF. */
static char *reasons[REASONS_MAX];

static void read_reasons(void)
{
	const struct kbtf *btf = probe_kernel_btf();
	const struct btf_type *t;
	const struct btf_enum *v;
	const char *name;
	int id, i;

	id = btf ? kbtf_find_by_name_kind(btf, "skb_drop_reason", BTF_KIND_ENUM) : -1;
	if (id < 0)
		return; /* shown by number */
	t = kbtf_type_by_id(btf, id);
	v = btf_enum(t);
	for (i = 0; i < btf_vlen(t); i++, v++) {
		name = kbtf_name_by_offset(btf, v->name_off);
		if (!name || (unsigned int)v->val >= REASONS_MAX || reasons[v->val])
			continue;
		if (!strncmp(name, REASON_PREFIX, strlen(REASON_PREFIX)))
			name += strlen(REASON_PREFIX);
		reasons[v->val] = strdup(name);
	}
}

static void free_reasons(void)
{
	for (int i = 0; i < REASONS_MAX; i++)
		free(reasons[i]);
}

static const char *reason_name(__u32 reason)
{
	return reason < REASONS_MAX && reasons[reason] ? reasons[reason] : "UNKNOWN";
}

/* ---------------------------------------------------------------- rows */

static const char *const flag_names[] = { "FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR" };

/* The names of the flags set, each followed by sep (JSON: '\0', text: '|'); the length. */
static size_t flags_str(__u8 flags, char *buf, size_t len, char sep)
{
	size_t n = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < ARRAY_SIZE(flag_names); i++) {
		if (flags & (1U << i))
			n += snprintf(buf + n, len - n, "%s%c", flag_names[i], sep);
	}
	return n;
}

static void state_flags(const struct drop_event *e, char *buf, size_t len)
{
	char num[16], flags[64];
	size_t n = flags_str(e->flags, flags, sizeof(flags), '|');

	if (n)
		flags[n - 1] = '\0'; /* the last separator */
	snprintf(buf, len, "%s (%s)", e->state ? net_tcp_state(e->state, num, sizeof(num)) : "-",
		 flags);
}

/* The size of the record being printed (the row sees only the record). */
static size_t rec_size;
static struct stacks *stacks;

static struct event_stacks event_stacks(const struct drop_event *e)
{
	size_t room = (rec_size - DROP_EVENT_HEADER_SIZE) / sizeof(__u64);
	int k = e->kbytes < 0 ? e->kbytes : (int)(e->kbytes / sizeof(__u64));

	if (k > (int)room)
		k = room;
	return (struct event_stacks){ .pid = e->pid, .kernel = e->frames, .nkernel = k };
}

static void drop_row(struct row *r, const void *rec)
{
	const struct drop_event *e = rec;
	char src[NET_ENDPOINT_LEN], dst[NET_ENDPOINT_LEN], sf[96], rs[96], flags[64];
	struct event_stacks st;

	net_endpoint(src, sizeof(src), e->ip, e->saddr, e->sport, NET_EP_COLON);
	net_endpoint(dst, sizeof(dst), e->ip, e->daddr, e->dport, NET_EP_COLON);
	row_hms(r, "TIME");
	row_secs(r, NULL, e->ts_ns);
	row_uint(r, "PID", "pid", -7, e->pid);
	row_uint(r, "IP", "ip", -2, e->ip);
	row_str(r, "SADDR:SPORT", NULL, -20, src, sizeof(src));
	if (row_text_col(r, ">", 0))
		fputc('>', r->f);
	row_str(r, "DADDR:DPORT", NULL, -20, dst, sizeof(dst));
	if (r->mode == ROW_JSON) {
		json_str(&r->j, "saddr", net_addr(src, sizeof(src), e->ip, e->saddr));
		json_uint(&r->j, "sport", e->sport);
		json_str(&r->j, "daddr", net_addr(dst, sizeof(dst), e->ip, e->daddr));
		json_uint(&r->j, "dport", e->dport);
		if (e->state)
			net_json_tcp_state(&r->j, "state", e->state);
		else
			json_null(&r->j, "state");
		row_strv(r, NULL, "flags", flags, flags_str(e->flags, flags, sizeof(flags), '\0'),
			 false);
	}
	state_flags(e, sf, sizeof(sf));
	row_str(r, "STATE (FLAGS)", NULL, -20, sf, sizeof(sf));
	snprintf(rs, sizeof(rs), "%s (%u)", reason_name(e->reason), e->reason);
	row_str(r, "REASON (CODE)", NULL, 0, rs, sizeof(rs));
	row_str(r, NULL, "reason", 0, reason_name(e->reason), 64);
	row_uint(r, NULL, "reason_code", 0, e->reason);
	if (r->mode == ROW_JSON && stacks) {
		st = event_stacks(e);
		stacks_json_event(stacks, &r->j, &st);
	}
}

static void print_header(void)
{
	row_print_header(drop_row, &(struct drop_event){});
}

/* The row, then (text) its stack under it and a blank line, as BCC prints them. */
static int on_event(void *ctx, const void *data, size_t size)
{
	static struct drop_event e;
	struct event_stacks st;

	(void)ctx;
	if (size < DROP_EVENT_HEADER_SIZE)
		return 0;
	rec_size = size < sizeof(e) ? size : sizeof(e);
	memcpy(&e, data, rec_size);
	row_print(drop_row, &e);
	if (!common_opts.json) {
		st = event_stacks(&e);
		stacks_print_event(stacks, &st);
		putchar('\n');
	}
	return 0;
}

/* The stack starts where the packet is freed: the frames above are the tracepoint's. */
static const char *drop_function(void)
{
	/* Linux 6.11 renamed kfree_skb_reason() to sk_skb_reason_drop(). */
	return probe_btf_type("sk_skb_reason_drop") ? "sk_skb_reason_drop" : "kfree_skb_reason";
}

static int configure(struct tcpdrop_bpf *skel)
{
	const struct stack_show show = {
		.kernel = true,
		.format = common_opts.json ? STACK_JSON : STACK_MULTILINE,
		.kernel_from = drop_function(),
	};

	skel->rodata->filter_netns = opts.pid_netns ? netns_of(opts.pid_netns) : opts.netns_id;
	read_reasons();
	stacks = stacks_new(-1, &show);
	if (!stacks) {
		cli_warn("out of memory");
		return -1;
	}
	return hook_choose_each(skel->obj, NULL);
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct tcpdrop_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	if (opts.netns_id && opts.pid_netns)
		cli_usage_error("--netns-id and --pid-netns exclude each other");
	skel = TOOL_OPEN(tcpdrop_bpf);
	if (skel && !configure(skel))
		err = tool_run_events(&(struct tool_events){
			.skel = skel->skeleton,
			.rec_size = sizeof(struct drop_event),
			.rec_min = DROP_EVENT_HEADER_SIZE,
			.on_event = on_event,
			.print_header = print_header,
			.banner = NULL,
			/* Events with stacks are up to 1 KiB: room for a burst of them. */
			.ring_bytes = 2 << 20,
		});
	stacks_free(stacks);
	free_reasons();
	tcpdrop_bpf__destroy(skel);
	return err;
}

// SPDX-License-Identifier: GPL-2.0
/* tcpsubnet: summarize TCP bytes sent per destination subnet, every interval. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <time.h>

#include <bpf/bpf.h>

#include "output.h"
#include "probe.h"
#include "tool.h"
#include "tcpsubnet.h"
#include "tcpsubnet.skel.h"

#define ARRAY_LEN(a)	(sizeof(a) / sizeof((a)[0]))
#define DEFAULT_SUBNETS "127.0.0.1/32,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,0.0.0.0/0"
#define SUBNET_TEXT_LEN 52 /* an IPv6 address (46 bytes with its NUL), "/128" */

static struct {
	const char *list;
	char format;
	int interval;
} opts = { DEFAULT_SUBNETS, 'B', 1 };

static struct subnet subnets[MAX_SUBNETS];
static char names[MAX_SUBNETS][SUBNET_TEXT_LEN];
static unsigned int nsubnets;

static const struct opt_pick picks[] = {
	{ OPT_PID, 'p', NULL, "Only bytes sent by these processes (PID[,PID...])" },
	{ OPT_CGROUP, 'c', NULL, NULL },
	{},
};

static const struct argp_option options[] = {
	{ "json", 'J', NULL, 0, "Format the output in JSON (as --json)", 0 },
	{ "format", 'f', "FORMAT", 0,
	  "[bkmBKM] format to report: bits, Kbits, Mbits, bytes, KBytes, MBytes (default B)", 0 },
	{ "interval", 'i', "INTERVAL", 0, "Output interval, in seconds (default 1)", 0 },
	{},
};

static const char doc[] =
	"Summarize TCP bytes sent, per destination subnet.\v"
	"SUBNETS is a comma separated list of subnets (ADDRESS/PREFIX, IPv4 or IPv6);\n"
	"a send counts for the first subnet its destination is in.  Default:\n"
	"  " DEFAULT_SUBNETS "\n"
	"Examples:\n"
	"  tcpsubnet                 # bytes sent to the default subnets, every second\n"
	"  tcpsubnet -f K            # in KBytes\n"
	"  tcpsubnet 10.80.0.0/24    # to 10.80.0.0/24 only\n"
	"  tcpsubnet -i 5 -J         # every 5 seconds, one JSON object each";

/* ADDRESS/PREFIX into s (the address masked) and its name as given. */
static void parse_subnet(const char *text, struct subnet *s)
{
	char buf[SUBNET_TEXT_LEN], *slash;
	unsigned int bits, i;
	long prefix;

	if (strlen(text) >= sizeof(buf) || !(slash = strchr(strcpy(buf, text), '/')))
		cli_bad_value("subnet", text, "expected ADDRESS/PREFIX, e.g. 10.80.0.0/24");
	*slash = '\0';
	if (inet_pton(AF_INET, buf, s->addr) == 1)
		s->ip = 4;
	else if (inet_pton(AF_INET6, buf, s->addr) == 1)
		s->ip = 6;
	else
		cli_bad_value("subnet", text, "not an IPv4 or IPv6 address");
	bits = s->ip == 4 ? 32 : 128;
	prefix = cli_parse_long("the subnet's prefix length", slash + 1, 0, bits);
	for (i = 0; i < bits / 8; i++) {
		long n = prefix - 8 * (long)i;

		s->mask[i] = n >= 8 ? 0xff : n <= 0 ? 0 : (__u8)(0xff << (8 - n));
		s->addr[i] &= s->mask[i];
	}
}

static void parse_subnets(const char *list)
{
	char *copy = strdup(list), *item, *save = NULL;

	if (!copy)
		cli_die("out of memory");
	nsubnets = 0;
	for (item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		if (nsubnets == MAX_SUBNETS)
			cli_usage_error("at most %d subnets", MAX_SUBNETS);
		parse_subnet(item, &subnets[nsubnets]);
		snprintf(names[nsubnets], sizeof(names[0]), "%s", item);
		nsubnets++;
	}
	free(copy);
	if (!nsubnets)
		cli_bad_value("subnets", list, "no subnet given");
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'J':
		common_opts.json = true;
		return 0;
	case 'f':
		if (strlen(arg) != 1 || !strchr("bkmBKM", arg[0]))
			cli_bad_value("-f", arg, "one of b, k, m, B, K, M");
		opts.format = arg[0];
		return 0;
	case 'i':
		opts.interval = cli_parse_long("-i", arg, 1, INT32_MAX);
		return 0;
	case ARGP_KEY_ARG:
		if (state->arg_num > 0)
			cli_usage_error("unexpected argument '%s'", cli_shown(arg));
		opts.list = arg;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

/* bytes in the unit of -f: bits or bytes, K and M by 1024 as BCC's tcpsubnet. */
static double in_unit(unsigned long long bytes)
{
	double v = strchr("bkm", opts.format) ? bytes * 8.0 : (double)bytes;

	if (opts.format == 'k' || opts.format == 'K')
		return v / 1024;
	if (opts.format == 'm' || opts.format == 'M')
		return v / (1024.0 * 1024);
	return v;
}

struct interval_state {
	struct tcpsubnet_bpf *skel;
	unsigned long long last[MAX_SUBNETS];
};

struct entry {
	unsigned int index;
	unsigned long long bytes;
};

/* Busiest first; ties in the order given. */
static int cmp_entries(const void *a, const void *b)
{
	const struct entry *ea = a, *eb = b;

	if (ea->bytes != eb->bytes)
		return ea->bytes < eb->bytes ? 1 : -1;
	return ea->index < eb->index ? -1 : 1;
}

/* The subnets sent to in this interval, busiest first; their number, or <0. */
static int read_interval(struct interval_state *st, struct entry *out)
{
	int fd = bpf_map__fd(st->skel->maps.sent), n = 0;
	unsigned long long total;
	unsigned int i;

	for (i = 0; i < nsubnets; i++) {
		if (bpf_map_lookup_elem(fd, &i, &total)) {
			cli_warn("cannot read the byte counts: %s", strerror(errno));
			return -1;
		}
		if (total != st->last[i])
			out[n++] = (struct entry){ i, total - st->last[i] };
		st->last[i] = total;
	}
	qsort(out, n, sizeof(out[0]), cmp_entries);
	return n;
}

static void print_json(const struct entry *e, int n, const char *date, const char *hms)
{
	struct json j;
	int i;

	json_begin(&j, stdout);
	json_str(&j, "date", date);
	json_str(&j, "time", hms);
	json_obj_begin(&j, "entries");
	for (i = 0; i < n; i++) {
		if (strchr("bB", opts.format))
			json_uint(&j, names[e[i].index], (unsigned long long)in_unit(e[i].bytes));
		else
			json_double(&j, names[e[i].index], in_unit(e[i].bytes));
	}
	json_obj_end(&j);
	json_end(&j);
}

static int print_interval(void *ctx)
{
	struct entry e[MAX_SUBNETS];
	char date[32], hms[32];
	time_t now = time(NULL);
	struct tm tm;
	int i, n = read_interval(ctx, e);

	if (n < 0)
		return -1;
	localtime_r(&now, &tm);
	strftime(date, sizeof(date), "%x", &tm);
	strftime(hms, sizeof(hms), "%X", &tm);
	if (common_opts.json) {
		print_json(e, n, date, hms);
		return 0;
	}
	printf("[%s %s]\n", date, hms);
	for (i = 0; i < n; i++)
		printf("%-21s %6llu\n", names[e[i].index], (unsigned long long)in_unit(e[i].bytes));
	return 0;
}

/* sock_send_length (6.3+) as tp_btf, raw_tp or tracepoint; else tcp_sendmsg(). */
static int choose_hooks(struct tcpsubnet_bpf *skel)
{
	struct bpf_program *alts[] = {
		skel->progs.send_btf,	   skel->progs.send_raw,       skel->progs.send_tp,
		skel->progs.sendmsg_fexit, skel->progs.sendmsg_kprobe,
	};

	return hook_choose("TCP sends (sock_send_length or tcp_sendmsg)", alts, ARRAY_LEN(alts)) < 0
		       ? -1
		       : 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, "[SUBNETS]", doc, NULL, NULL, NULL };
	static struct interval_state st;
	static char banner[80];
	struct tcpsubnet_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	parse_subnets(opts.list);
	gopts.interval = opts.interval;
	skel = TOOL_OPEN(tcpsubnet_bpf);
	if (!skel)
		return 1;
	memcpy((void *)skel->rodata->subnets, subnets, sizeof(subnets));
	skel->rodata->nsubnets = nsubnets;
	st.skel = skel;
	snprintf(banner, sizeof(banner), "Tracing... Output every %d secs. Hit Ctrl-C to end",
		 opts.interval);
	if (!choose_hooks(skel))
		err = tool_run_intervals(&(struct tool_intervals){
			.skel = skel->skeleton,
			.banner = banner,
			.print_interval = print_interval,
			.ctx = &st,
			.lines = true,
		});
	tcpsubnet_bpf__destroy(skel);
	return err;
}

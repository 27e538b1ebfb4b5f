// SPDX-License-Identifier: GPL-2.0
/* tcprtt: summarize the smoothed round-trip time of TCP sockets as histograms. */
#include <arpa/inet.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "hist.h"
#include "net.h"
#include "output.h"
#include "probe.h"
#include "tool.h"
#include "tcprtt.h"
#include "tcprtt.skel.h"

/* An address given with -a or -A. */
struct addr_filter {
	__u8 ip; /* 0: none */
	__u8 addr[16];
};

static struct {
	int interval; /* -i seconds; 0: one histogram at the end */
	bool msecs;
	bool extended;
	enum rtt_by by;
	unsigned int lport, rport;
	struct addr_filter laddr, raddr;
} opts;

static const struct opt_pick picks[] = {
	{ OPT_DURATION, 'd', NULL, "Total duration of the trace, seconds" },
	{ OPT_TIME, 'T', "timestamp", "Include a timestamp (HH:MM:SS) with each output" },
	{ OPT_IPV4, '4', NULL, NULL },
	{ OPT_IPV6, '6', NULL, NULL },
	{},
};

static const struct argp_option options[] = {
	{ "interval", 'i', "INTERVAL", 0, "Print a summary every INTERVAL seconds", 0 },
	{ "millisecond", 'm', NULL, 0, "Millisecond histograms (default: microseconds)", 0 },
	{ "lport", 'p', "LPORT", 0, "Only sockets with this local port", 0 },
	{ "rport", 'P', "RPORT", 0, "Only sockets with this remote port", 0 },
	{ "laddr", 'a', "LADDR", 0, "Only sockets with this local address (IPv4 or IPv6)", 0 },
	{ "raddr", 'A', "RADDR", 0, "Only sockets with this remote address (IPv4 or IPv6)", 0 },
	{ "byladdr", 'b', NULL, 0, "A histogram per local address", 0 },
	{ "byraddr", 'B', NULL, 0, "A histogram per remote address", 0 },
	{ "extension", 'e', NULL, 0, "Show the average RTT of each histogram", 0 },
	{},
};

static const char doc[] =
	"Summarize TCP round-trip times (the kernel's smoothed RTT, sampled at each "
	"segment an established socket receives) as histograms.\v"
	"Without -i, one histogram is printed at Ctrl-C (or at the end of -d); with -i, "
	"one every INTERVAL seconds.\n\n"
	"Examples:\n"
	"  tcprtt                 # one histogram at Ctrl-C\n"
	"  tcprtt -i 1 -d 10      # 1 second summaries for 10 seconds\n"
	"  tcprtt -m -T -i 5      # 5 second summaries, in milliseconds, with timestamps\n"
	"  tcprtt -p 443          # sockets with local port 443 only\n"
	"  tcprtt -P 5432         # sockets with remote port 5432 only\n"
	"  tcprtt -a 10.0.0.1     # sockets with local address 10.0.0.1 only\n"
	"  tcprtt -A 2001:db8::1  # sockets with that remote address only\n"
	"  tcprtt -B -e           # a histogram per remote address, with averages\n"
	"  tcprtt -4              # IPv4 sockets only\n"
	"  tcprtt --json -i 1     # one JSON object per second";

static void parse_addr(const char *opt, const char *arg, struct addr_filter *f)
{
	if (inet_pton(AF_INET, arg, f->addr) == 1)
		f->ip = 4;
	else if (inet_pton(AF_INET6, arg, f->addr) == 1)
		f->ip = 6;
	else
		cli_bad_value(opt, arg, "not an IPv4 or IPv6 address");
}

static void set_by(enum rtt_by by)
{
	if (opts.by && opts.by != by)
		cli_usage_error("-b and -B cannot be combined");
	opts.by = by;
}

/* -i and -d: intervals until the duration is covered; -d alone: one. */
static void set_intervals(void)
{
	if (opts.interval && (!gopts.duration || opts.interval < gopts.duration)) {
		gopts.interval = opts.interval;
		if (gopts.duration)
			gopts.count = (gopts.duration + opts.interval - 1) / opts.interval;
	} else if (gopts.duration) {
		gopts.interval = gopts.duration;
		gopts.count = 1;
	}
}

static void check_families(void)
{
	const struct addr_filter *f[] = { &opts.laddr, &opts.raddr };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(f); i++) {
		if (gopts.ip && f[i]->ip && f[i]->ip != gopts.ip)
			cli_usage_error("-%c is an IPv%d address, but -%d was given", i ? 'A' : 'a',
					f[i]->ip, gopts.ip);
	}
	if (opts.laddr.ip && opts.raddr.ip && opts.laddr.ip != opts.raddr.ip)
		cli_usage_error("-a and -A are addresses of different families");
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	switch (key) {
	case 'i':
		opts.interval = cli_parse_long("-i", arg, 1, INT_MAX);
		return 0;
	case 'm':
		opts.msecs = true;
		return 0;
	case 'p':
		opts.lport = cli_parse_long("-p", arg, 1, 65535);
		return 0;
	case 'P':
		opts.rport = cli_parse_long("-P", arg, 1, 65535);
		return 0;
	case 'a':
		parse_addr("-a", arg, &opts.laddr);
		return 0;
	case 'A':
		parse_addr("-A", arg, &opts.raddr);
		return 0;
	case 'b':
		set_by(BY_LADDR);
		return 0;
	case 'B':
		set_by(BY_RADDR);
		return 0;
	case 'e':
		opts.extended = true;
		return 0;
	case ARGP_KEY_END:
		set_intervals();
		check_families();
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

/* One histogram of an interval: the map's key, then its value. */
struct section {
	struct rtt_key key;
	struct rtt_hist h;
};

static struct section *secs;
static uint64_t prev[MAX_SLOTS + 2];

static const char *section_addr(const struct section *s, char *buf, size_t len)
{
	return net_addr(buf, len, s->key.ip, s->key.addr);
}

/* "All Addresses = ******", "Local Address = 10.0.0.1", with -e " [AVG n]". */
static void text_label(FILE *f, const void *rec)
{
	const struct section *s = rec;
	char addr[NET_ADDR_LEN];

	if (opts.by == BY_NONE)
		fputs("All Addresses = ****** ", f);
	else
		fprintf(f, "%s Address = %s ", opts.by == BY_LADDR ? "Local" : "Remote",
			section_addr(s, addr, sizeof(addr)));
	if (opts.extended && s->h.count)
		fprintf(f, "[AVG %llu]", (unsigned long long)(s->h.latency / s->h.count));
	fputc('\n', f);
}

static void json_label(struct json *j, const void *rec)
{
	const struct section *s = rec;
	char addr[NET_ADDR_LEN];

	if (opts.by != BY_NONE) {
		json_uint(j, "ip", s->key.ip);
		json_str(j, opts.by == BY_LADDR ? "laddr" : "raddr",
			 section_addr(s, addr, sizeof(addr)));
	}
	if (opts.extended && s->h.count)
		json_uint(j, "avg", s->h.latency / s->h.count);
}

static struct hist_sections sections = {
	.rec_size = sizeof(struct section),
	.slots_off = offsetof(struct section, h.slots),
	.nslots = MAX_SLOTS,
	.text_label = text_label,
	.json_label = json_label,
};

/* By family, then address bytes in network order (numeric order). */
static int cmp_sections(const void *a, const void *b)
{
	const struct section *x = a, *y = b;

	if (x->key.ip != y->key.ip)
		return x->key.ip < y->key.ip ? -1 : 1;
	return memcmp(x->key.addr, y->key.addr, sizeof(x->key.addr));
}

/*
 * The single histogram is per CPU and never cleared: an interval is its
 * growth since the previous one (sum and count included, read as counters
 * after the slots).  Per-address ones are drained from their hash.
 */
static int read_interval(struct tcprtt_bpf *skel)
{
	int err;

	if (opts.by != BY_NONE)
		return hist_drain(bpf_map__fd(skel->maps.hists),
				  &(struct hist_records){
					  .recs = secs,
					  .rec_size = sizeof(*secs),
					  .value_off = offsetof(struct section, h),
					  .max = MAX_ADDRS,
					  .cmp = cmp_sections,
				  });
	err = hist_read_percpu_delta(bpf_map__fd(skel->maps.hist_all), sizeof(struct rtt_hist),
				     (uint64_t *)&secs[0].h, prev, MAX_SLOTS + 2);
	if (err)
		return err;
	return secs[0].h.count ? 1 : 0;
}

static int print_interval(void *ctx)
{
	int n = read_interval(ctx);

	if (n < 0) {
		cli_warn("cannot read the histograms: %s", strerror(-n));
		return n;
	}
	sections.n = n;
	hist_print_sections(&sections);
	return 0;
}

static void configure(struct tcprtt_bpf *skel)
{
	skel->rodata->filter_lport = opts.lport;
	skel->rodata->filter_rport = opts.rport;
	skel->rodata->filter_laddr_ip = opts.laddr.ip;
	memcpy((void *)skel->rodata->filter_laddr, opts.laddr.addr, 16);
	skel->rodata->filter_raddr_ip = opts.raddr.ip;
	memcpy((void *)skel->rodata->filter_raddr, opts.raddr.addr, 16);
	skel->rodata->hist_by = opts.by;
	skel->rodata->in_msecs = opts.msecs;
	/* Only one of the histogram maps is used: keep the other minimal. */
	if (opts.by == BY_NONE)
		bpf_map__set_max_entries(skel->maps.hists, 1);
}

/* The segments an established socket receives: the tracepoint, else the function. */
static int choose_hooks(struct tcprtt_bpf *skel)
{
	struct bpf_program *alts[] = {
		skel->progs.tcp_probe_btf,
		skel->progs.tcp_probe_raw,
		skel->progs.rcv_established_fentry,
		skel->progs.rcv_established_kprobe,
	};

	return hook_choose("TCP segments received (tcp_probe)", alts, ARRAY_SIZE(alts)) < 0 ? -1
											    : 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct tcprtt_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	secs = calloc(opts.by == BY_NONE ? 1 : MAX_ADDRS, sizeof(*secs));
	if (!secs)
		cli_die("out of memory");
	sections.recs = secs;
	sections.unit = opts.msecs ? "msecs" : "usecs";
	skel = TOOL_OPEN(tcprtt_bpf);
	if (!skel)
		goto out;
	configure(skel);
	if (!choose_hooks(skel))
		err = tool_run_intervals(&(struct tool_intervals){
			.skel = skel->skeleton,
			.banner = "Tracing TCP RTT... Hit Ctrl-C to end.",
			.print_interval = print_interval,
			.ctx = skel,
		});
	tcprtt_bpf__destroy(skel);
out:
	free(secs);
	return err;
}

// SPDX-License-Identifier: GPL-2.0
/* biolatpcts: block I/O latency percentiles per disk and operation, per interval. */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "blk.h"
#include "hist.h"
#include "output.h"
#include "probe.h"
#include "tool.h"
#include "biolatpcts.h"
#include "biolatpcts.skel.h"

#define MAX_HISTS 1024 /* the map's size */
#define MAX_PCTS  64
#define PCT_LEN	  16
#define USEC	  1.0
#define MSEC	  (1000 * USEC)
#define SEC	  (1000 * MSEC)

static const char *const io_names[IO_TYPES] = { "read", "write", "discard", "flush" };

/* A percentile as typed ("99.9"), printed as typed, and its value. */
struct pct {
	char str[PCT_LEN];
	double val;
};

static struct {
	uint32_t dev; /* 0: every disk, a table each */
	long interval;
	enum which which;
	struct pct pcts[MAX_PCTS];
	int npcts;
} opts = { .interval = 3 };

static const struct argp_option options[] = {
	{ "interval", 'i', "INTERVAL", 0,
	  "Report every INTERVAL seconds (default 3; 0: exit once attached; -1: only at the end)",
	  0 },
	{ "which", 'w', "WHICH", 0,
	  "Latency to measure: from-rq-alloc, after-rq-alloc or on-device (default)", 0 },
	{ "pcts", 'p', "PCT,...", 0,
	  "Percentiles to calculate (default 1,5,10,16,25,50,75,84,90,95,99,100)", 0 },
	{ NULL, 'j', NULL, 0, "JSON output, as --json", 0 },
	{},
};

static const char doc[] =
	"Print percentiles of block I/O latency per operation (read, write, discard,\n"
	"flush) of disk DEV (/dev/NAME, NAME or MAJ:MIN), or of every disk with I/O.\v"
	"By default the latency is the time a request spent on the device, from its "
	"issue to its completion; -w after-rq-alloc starts when the request was set "
	"up, -w from-rq-alloc before it was allocated (both only where the block "
	"layer took that time: see biolatpcts(8)).  Percentiles are the middle of "
	"slots 10 us wide up to 1 ms, 1 ms up to 100 ms, 100 ms beyond; '-' where "
	"there was no I/O.\n\n"
	"Examples:\n"
	"  biolatpcts sda                        # sda, every 3 seconds\n"
	"  biolatpcts -i 1 /dev/nvme0n1          # every second\n"
	"  biolatpcts -p 99,99.9,99.99 -j 259:0  # these percentiles, in JSON\n"
	"  biolatpcts -w after-rq-alloc sda      # include the time queued in the OS\n"
	"  biolatpcts                            # a table per disk with I/O";

/* "99.9": digits with at most one point; 0 to 100. */
static void parse_pct(const char *arg, const char *s, size_t len, struct pct *p)
{
	size_t i, points = 0, digits = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '.')
			points++;
		else if (s[i] >= '0' && s[i] <= '9')
			digits++;
		else
			break;
	}
	if (i < len || !digits || points > 1 || len >= PCT_LEN)
		cli_bad_value("-p", arg, "not a list of percentiles (0 to 100), comma separated");
	memcpy(p->str, s, len);
	p->str[len] = '\0';
	p->val = strtod(p->str, NULL);
	if (p->val > 100)
		cli_bad_value("-p", arg, "a percentile is above 100");
}

static int by_value(const void *a, const void *b)
{
	const struct pct *x = a, *y = b;

	return (x->val > y->val) - (x->val < y->val);
}

static void parse_pcts(const char *arg)
{
	const char *s = arg, *comma;
	size_t len;

	opts.npcts = 0;
	do {
		comma = strchr(s, ',');
		len = comma ? (size_t)(comma - s) : strlen(s);
		if (opts.npcts == MAX_PCTS)
			cli_bad_value("-p", arg, "more than 64 percentiles");
		parse_pct(arg, s, len, &opts.pcts[opts.npcts++]);
		s = comma + 1;
	} while (comma);
	/* Sorted by value, as given otherwise (qsort is not stable: ties keep order below). */
	for (int i = 1; i < opts.npcts; i++) {
		for (int j = i; j > 0 && by_value(&opts.pcts[j - 1], &opts.pcts[j]) > 0; j--) {
			struct pct t = opts.pcts[j];

			opts.pcts[j] = opts.pcts[j - 1];
			opts.pcts[j - 1] = t;
		}
	}
}

static enum which parse_which(const char *arg)
{
	if (!strcmp(arg, "on-device"))
		return WHICH_ON_DEVICE;
	if (!strcmp(arg, "after-rq-alloc"))
		return WHICH_AFTER_RQ_ALLOC;
	if (!strcmp(arg, "from-rq-alloc"))
		return WHICH_FROM_RQ_ALLOC;
	cli_bad_value("-w", arg, "not from-rq-alloc, after-rq-alloc or on-device");
}

/* DEV: MAJ:MIN, else a disk name with or without /dev/ (blk_parse_disk). */
static uint32_t parse_dev(const char *arg)
{
	const char *colon = strchr(arg, ':');
	char major[16];
	uint32_t dev;

	if (!colon || (size_t)(colon - arg) >= sizeof(major))
		return blk_parse_disk("DEV", arg);
	memcpy(major, arg, colon - arg);
	major[colon - arg] = '\0';
	dev = BLK_MKDEV(cli_parse_long("DEV", major, 0, 4095),
			cli_parse_long("DEV", colon + 1, 0, (1 << BLK_MINORBITS) - 1));
	/* Known by that number, and a whole disk. */
	return blk_parse_disk("DEV", blk_dev_name(dev));
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	switch (key) {
	case 'i':
		opts.interval = cli_parse_long("-i", arg, -1, INT_MAX);
		return 0;
	case 'w':
		opts.which = parse_which(arg);
		return 0;
	case 'p':
		parse_pcts(arg);
		return 0;
	case 'j':
		common_opts.json = true;
		return 0;
	case ARGP_KEY_ARG:
		if (opts.dev)
			cli_usage_error("unexpected argument '%s': one device at most",
					cli_shown(arg));
		opts.dev = parse_dev(arg);
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

/* An operation's histogram of the interval, as hist_drain lays it out. */
static struct entry {
	struct hist_key key;
	uint64_t slots[NR_SLOTS];
} hists[MAX_HISTS];

_Static_assert(sizeof(hists[0].slots) == sizeof(struct hist), "hist layout");

/* The middle of slot i, in microseconds. */
static double slot_middle(int i)
{
	if (i < SLOTS_10US)
		return i * 10 + 5;
	i -= SLOTS_10US - 1;
	if (i <= SLOTS_1MS)
		return i * MSEC + MSEC / 2;
	i -= SLOTS_1MS;
	return i * 100 * MSEC + 50 * MSEC;
}

/*
 * Percentile p: the slot, from the top, at which the requests counted so far
 * reach 100 - p percent of them (p100 the highest slot used, p0 the lowest).
 * In microseconds; 0 without requests.
 */
static double percentile(const uint64_t *slots, uint64_t total, double p)
{
	uint64_t counted = 0;
	int i;

	for (i = NR_SLOTS - 1; i >= 0 && total; i--) {
		if (!slots[i])
			continue;
		counted += slots[i];
		if (counted * 100.0 >= (100.0 - p) * total)
			return slot_middle(i);
	}
	return 0;
}

static const char *format_usecs(double us, char *buf, size_t len)
{
	if (us > SEC)
		snprintf(buf, len, "%.1fs", us / SEC);
	else if (us > 10 * MSEC)
		snprintf(buf, len, "%.0fms", us / MSEC);
	else if (us > MSEC)
		snprintf(buf, len, "%.1fms", us / MSEC);
	else if (us > 0)
		snprintf(buf, len, "%.0fus", us);
	else
		snprintf(buf, len, "-");
	return buf;
}

static const uint64_t no_slots[NR_SLOTS];

/* One disk's histograms of the interval, per operation (no_slots where it had none). */
struct disk_hists {
	uint32_t dev;
	const uint64_t *slots[IO_TYPES];
};

static void print_text(const struct disk_hists *d)
{
	const char *name = blk_dev_name(d->dev);
	char buf[32];
	int t, i, width;

	putchar('\n');
	print_escaped(stdout, name, BLK_NAME_LEN);
	printf("%*s", 7 - (int)strnlen(name, 7), "");
	for (i = 0; i < opts.npcts; i++)
		printf(" %5s", opts.pcts[i].str);
	putchar('\n');
	for (t = 0; t < IO_TYPES; t++) {
		uint64_t total = hist_total(d->slots[t], NR_SLOTS);

		printf("%-7s", io_names[t]);
		for (i = 0; i < opts.npcts; i++) {
			width = strlen(opts.pcts[i].str) > 5 ? (int)strlen(opts.pcts[i].str) : 5;
			printf(" %*s", width,
			       format_usecs(percentile(d->slots[t], total, opts.pcts[i].val), buf,
					    sizeof(buf)));
		}
		putchar('\n');
	}
}

/* BCC's object ({"read":{"PCT":seconds,...},...}), with the disk, the time and the counts. */
static void print_json(const struct disk_hists *d)
{
	struct json j;
	char hms[16];
	int t, i;

	json_begin(&j, stdout);
	json_str(&j, "time", time_hms(hms, sizeof(hms)));
	json_double(&j, "ts", secs_since_start(mono_ns()));
	blk_json_dev(&j, d->dev);
	for (t = 0; t < IO_TYPES; t++) {
		uint64_t total = hist_total(d->slots[t], NR_SLOTS);

		json_obj_begin(&j, io_names[t]);
		for (i = 0; i < opts.npcts; i++)
			json_double(&j, opts.pcts[i].str,
				    percentile(d->slots[t], total, opts.pcts[i].val) / SEC);
		json_obj_end(&j);
	}
	json_obj_begin(&j, "counts");
	for (t = 0; t < IO_TYPES; t++)
		json_uint(&j, io_names[t], hist_total(d->slots[t], NR_SLOTS));
	json_obj_end(&j);
	json_end(&j);
}

static void print_disk(const struct disk_hists *d)
{
	if (common_opts.json)
		print_json(d);
	else
		print_text(d);
}

/* The records come sorted by disk, then operation: a table per disk (DEV's even if idle). */
static void print_disks(int n)
{
	struct disk_hists d;
	int i = 0, t;

	if (!n && opts.dev) {
		d.dev = opts.dev;
		for (t = 0; t < IO_TYPES; t++)
			d.slots[t] = no_slots;
		print_disk(&d);
	}
	while (i < n) {
		d.dev = hists[i].key.dev;
		for (t = 0; t < IO_TYPES; t++)
			d.slots[t] = no_slots;
		for (; i < n && hists[i].key.dev == d.dev; i++) {
			if (hists[i].key.type < IO_TYPES)
				d.slots[hists[i].key.type] = hists[i].slots;
		}
		print_disk(&d);
	}
}

static int print_interval(void *ctx)
{
	struct biolatpcts_bpf *skel = ctx;
	int n = hist_drain(bpf_map__fd(skel->maps.hists),
			   &(struct hist_records){
				   .recs = hists,
				   .rec_size = sizeof(hists[0]),
				   .value_off = offsetof(struct entry, slots),
				   .max = MAX_HISTS,
			   });

	if (n < 0) {
		cli_warn("cannot read the histograms: %s", strerror(-n));
		return n;
	}
	print_disks(n);
	return 0;
}

/* -i -1 (text): an empty table once attached, as a sign of readiness (BCC's). */
static void print_ready(void *ctx)
{
	(void)ctx;
	if (opts.interval < 0 && opts.dev)
		print_disks(0);
}

/* -w on-device times from the issue; the others read the block layer's stamps. */
static int choose_hooks(struct biolatpcts_bpf *skel)
{
	if (opts.which == WHICH_FROM_RQ_ALLOC && !probe_btf_field("request", "alloc_time_ns")) {
		cli_warn("-w from-rq-alloc: this kernel does not record when requests are "
			 "allocated (request::alloc_time_ns, CONFIG_BLK_RQ_ALLOC_TIME)");
		return -1;
	}
	if (opts.which != WHICH_ON_DEVICE) {
		bpf_program__set_autoload(skel->progs.block_rq_issue_btf, false);
		bpf_program__set_autoload(skel->progs.block_rq_issue_raw, false);
	}
	skel->rodata->which = opts.which;
	return blk_configure(skel->obj, opts.dev) || hook_choose_each(skel->obj, NULL) ? -1 : 0;
}

/* -i: 0 ends once attached; -1 reports only at the end. */
static void set_interval(void)
{
	gopts.interval = opts.interval > 0 ? opts.interval : INT_MAX;
	gopts.count = opts.interval ? INT_MAX : 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, "[DEV]", doc, NULL, NULL, NULL };
	static const struct opt_pick picks[] = { {} };
	struct biolatpcts_bpf *skel;
	int err = 1;

	parse_pcts("1,5,10,16,25,50,75,84,90,95,99,100");
	tool_parse(&argp, picks, argc, argv);
	set_interval();
	skel = TOOL_OPEN(biolatpcts_bpf);
	if (!skel)
		return 1;
	if (!choose_hooks(skel))
		err = tool_run_intervals(&(struct tool_intervals){
			.skel = skel->skeleton,
			.print_interval = print_interval,
			.ctx = skel,
			.lines = true,
			.print_header = print_ready,
		});
	biolatpcts_bpf__destroy(skel);
	return err;
}

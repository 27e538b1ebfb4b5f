// SPDX-License-Identifier: GPL-2.0
/* biopattern: per disk, the share of random and sequential block I/O, per interval. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>

#include "blk.h"
#include "hist.h"
#include "output.h"
#include "row.h"
#include "tool.h"
#include "biopattern.h"
#include "biopattern.skel.h"

#define MAX_DISKS 4096 /* the map's size */

static uint32_t disk_dev;

static const struct opt_pick picks[] = {
	{ OPT_TIME, 'T', "timestamp", "Print the time of day on each line" },
	{ OPT_INTERVAL, 0, NULL, NULL },
	{},
};

static const struct argp_option options[] = {
	{ "disk", 'd', "DISK", 0, "Only I/O to this disk (e.g. sda, nvme0n1)", 0 },
	{},
};

static const char doc[] =
	"Show the pattern of block device I/O per disk: the percentage of requests\n"
	"that were random and sequential, their count and their size.\v"
	"A request is sequential when it begins at the sector where the disk's previous "
	"request ended, random otherwise; the first request a disk completes after the "
	"start has no previous one and is not counted.  Without an interval, one "
	"summary is printed at Ctrl-C; with one, every interval seconds, count times.\n\n"
	"Examples:\n"
	"  biopattern              # one summary per disk, at Ctrl-C\n"
	"  biopattern 1 10         # every second, 10 times\n"
	"  biopattern -T 1         # every second, with the time of day\n"
	"  biopattern -d sdc       # sdc only\n"
	"  biopattern --json 1     # one JSON object per second";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	if (key != 'd')
		return ARGP_ERR_UNKNOWN;
	disk_dev = blk_parse_disk("-d", arg);
	return 0;
}

/* A disk's interval, as hist_drain lays it out (the map's key, then its value). */
static struct disk {
	__u32 dev;
	struct counter c;
} disks[MAX_DISKS];

static void disk_row(struct row *r, const void *rec)
{
	const struct disk *d = rec;
	uint64_t total = d->c.random + d->c.sequential;
	char hms[16] = "", dev[24];

	if (r->mode != ROW_HEADER)
		time_hms(hms, sizeof(hms));
	row_str(r, gopts.time ? "TIME" : NULL, "time", -9, hms, sizeof(hms));
	if (r->mode == ROW_JSON)
		row_double(r, NULL, "ts", 0, 3, secs_since_start(mono_ns()));
	row_str(r, "DISK", "disk", -7, blk_dev_name(d->dev), BLK_NAME_LEN);
	row_str(r, NULL, "dev", 0, blk_dev_str(d->dev, dev, sizeof(dev)), sizeof(dev));
	row_uint(r, "%RND", "random_pct", 5, total ? d->c.random * 100 / total : 0);
	row_uint(r, "%SEQ", "sequential_pct", 5, total ? d->c.sequential * 100 / total : 0);
	row_uint(r, "COUNT", "count", 8, total);
	row_uint(r, "KBYTES", "kbytes", 10, d->c.bytes / 1024);
	row_uint(r, NULL, "random", 0, d->c.random);
	row_uint(r, NULL, "sequential", 0, d->c.sequential);
	row_uint(r, NULL, "bytes", 0, d->c.bytes);
}

static void print_header(void *ctx)
{
	(void)ctx;
	row_print_header(disk_row, &(struct disk){});
}

/* A line per disk with requests in the interval (JSON: a line per disk too). */
static int print_interval(void *ctx)
{
	struct biopattern_bpf *skel = ctx;
	int i, n = hist_drain(bpf_map__fd(skel->maps.counters),
			      &(struct hist_records){
				      .recs = disks,
				      .rec_size = sizeof(disks[0]),
				      .value_off = offsetof(struct disk, c),
				      .max = MAX_DISKS,
			      });

	if (n < 0) {
		cli_warn("cannot read the counters: %s", strerror(-n));
		return n;
	}
	for (i = 0; i < n; i++)
		row_print(disk_row, &disks[i]);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct biopattern_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(biopattern_bpf);
	if (!skel)
		return 1;
	if (!blk_configure(skel->obj, disk_dev) && !blk_choose_hooks(skel->obj, false))
		err = tool_run_intervals(&(struct tool_intervals){
			.skel = skel->skeleton,
			.banner = "Tracing block device I/O requested seeks... Hit Ctrl-C to end.",
			.print_interval = print_interval,
			.ctx = skel,
			.lines = true,
			.print_header = print_header,
		});
	biopattern_bpf__destroy(skel);
	return err;
}

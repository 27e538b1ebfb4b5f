// SPDX-License-Identifier: GPL-2.0
/* biopattern: per disk, the share of random and sequential block I/O, per interval. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "blk.h"
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

/* A disk's requests of one interval. */
struct disk {
	__u32 dev;
	uint64_t sequential;
	uint64_t random;
	uint64_t bytes;
};

static void disk_row(struct row *r, const void *rec)
{
	const struct disk *d = rec;
	uint64_t total = d->random + d->sequential;
	char hms[16] = "", dev[24];

	if (r->mode != ROW_HEADER)
		time_hms(hms, sizeof(hms));
	row_str(r, gopts.time ? "TIME" : NULL, "time", -9, hms, sizeof(hms));
	if (r->mode == ROW_JSON)
		row_double(r, NULL, "ts", 0, 3, secs_since_start(mono_ns()));
	row_str(r, "DISK", "disk", -7, blk_dev_name(d->dev), BLK_NAME_LEN);
	row_str(r, NULL, "dev", 0, blk_dev_str(d->dev, dev, sizeof(dev)), sizeof(dev));
	row_uint(r, "%RND", "random_pct", 5, total ? d->random * 100 / total : 0);
	row_uint(r, "%SEQ", "sequential_pct", 5, total ? d->sequential * 100 / total : 0);
	row_uint(r, "COUNT", "count", 8, total);
	row_uint(r, "KBYTES", "kbytes", 10, d->bytes / 1024);
	row_uint(r, NULL, "random", 0, d->random);
	row_uint(r, NULL, "sequential", 0, d->sequential);
	row_uint(r, NULL, "bytes", 0, d->bytes);
}

static void print_header(void *ctx)
{
	(void)ctx;
	row_print_header(disk_row, &(struct disk){});
}

/* The totals each disk had at the last read. */
static struct disk seen[MAX_DISKS];
static int nseen;

/* The interval of disk dev, whose totals are now s: their growth since the last read. */
static struct disk interval_of(__u32 dev, const struct disk_state *s)
{
	struct disk now = { dev, s->sequential, s->random, s->bytes }, d = now;
	int i;

	for (i = 0; i < nseen && seen[i].dev != dev; i++)
		;
	if (i < nseen) {
		d.sequential -= seen[i].sequential;
		d.random -= seen[i].random;
		d.bytes -= seen[i].bytes;
	}
	if (i < MAX_DISKS) {
		seen[i] = now;
		nseen += i == nseen;
	}
	return d;
}

static int by_dev(const void *a, const void *b)
{
	__u32 x = ((const struct disk *)a)->dev, y = ((const struct disk *)b)->dev;

	return (x > y) - (x < y);
}

/* A line per disk with requests in the interval (JSON: an object per disk). */
static int print_interval(void *ctx)
{
	static struct disk rows[MAX_DISKS];
	struct biopattern_bpf *skel = ctx;
	int fd = bpf_map__fd(skel->maps.disks), i, n = 0;
	__u32 dev, *prev = NULL;
	struct disk_state s;

	while (n < MAX_DISKS && !bpf_map_get_next_key(fd, prev, &dev)) {
		prev = &dev;
		if (bpf_map_lookup_elem(fd, &dev, &s))
			continue;
		rows[n] = interval_of(dev, &s);
		if (rows[n].random + rows[n].sequential)
			n++;
	}
	qsort(rows, n, sizeof(rows[0]), by_dev);
	for (i = 0; i < n; i++)
		row_print(disk_row, &rows[i]);
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

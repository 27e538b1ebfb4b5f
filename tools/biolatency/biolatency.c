// SPDX-License-Identifier: GPL-2.0
/* biolatency: summarize block device I/O latency as log2 histograms. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "blk.h"
#include "hist.h"
#include "output.h"
#include "tool.h"
#include "biolatency.h"
#include "biolatency.skel.h"

#define FLAGS_LABEL_LEN 256
#define MAX_HISTS	4096 /* with -D and -F; a quarter with one of them */

static struct {
	bool msecs;
	bool queued;
	bool per_disk;
	bool per_flags;
	__u32 disk_dev;
} opts;

static const struct opt_pick picks[] = {
	{ OPT_TIME, 'T', "timestamp", "Print the time of day before each summary" },
	{ OPT_CGROUP, 'c', NULL, "Only I/O started by tasks in this cgroup (v2 path)" },
	{ OPT_INTERVAL, 0, NULL, NULL },
	{},
};

static const struct argp_option options[] = {
	{ "milliseconds", 'm', NULL, 0, "Histogram in milliseconds (default microseconds)", 0 },
	{ "queued", 'Q', NULL, 0, "Time from insertion into the OS queue, not from issue", 0 },
	{ "disks", 'D', NULL, 0, "One histogram per disk", 0 },
	{ "flags", 'F', NULL, 0, "One histogram per request type (operation and flags)", 0 },
	{ "disk", 'd', "DISK", 0, "Only time I/O to this disk (e.g. sda, nvme0n1)", 0 },
	{},
};

static const char doc[] =
	"Summarize block device I/O latency (issue to completion) as histograms.\v"
	"Without an interval, one summary is printed at Ctrl-C; with one, a summary is\n"
	"printed every interval seconds, count times.\n\n"
	"Examples:\n"
	"  biolatency              # one histogram of all block I/O, at Ctrl-C\n"
	"  biolatency 1 10         # a histogram every second, 10 times\n"
	"  biolatency -mT 1        # milliseconds, with the time of day, every second\n"
	"  biolatency -Q           # count time spent queued in the OS too\n"
	"  biolatency -D           # a histogram per disk\n"
	"  biolatency -F           # a histogram per request type (Read, Sync-Write)\n"
	"  biolatency -d nvme0n1   # only I/O to nvme0n1\n"
	"  biolatency -c /sys/fs/cgroup/system.slice  # only I/O started in that cgroup\n"
	"  biolatency --json 5     # one JSON object every 5 seconds";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	switch (key) {
	case 'm':
		opts.msecs = true;
		return 0;
	case 'Q':
		opts.queued = true;
		return 0;
	case 'D':
		opts.per_disk = true;
		return 0;
	case 'F':
		opts.per_flags = true;
		return 0;
	case 'd':
		opts.disk_dev = blk_parse_disk("-d", arg);
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

/* A histogram of the interval, as hist_drain lays it out (the map's key, then its value). */
static struct entry {
	struct hist_key key;
	uint64_t slots[MAX_SLOTS];
} hists[MAX_HISTS]; /* pages never used (without -D/-F: all but one) are never allocated */

_Static_assert(sizeof(hists[0].slots) == sizeof(struct hist), "hist layout");

/* -D, -F: "disk = sda", "flags = Sync-Write" above each histogram. */
static void text_label(FILE *f, const void *rec)
{
	const struct entry *e = rec;
	char label[FLAGS_LABEL_LEN];

	if (opts.per_disk) {
		fputs("disk = ", f);
		print_escaped(f, blk_dev_name(e->key.dev), BLK_NAME_LEN);
		fputc(opts.per_flags ? '\t' : '\n', f);
	}
	if (opts.per_flags)
		fprintf(f, "flags = %s\n", blk_flags_label(e->key.cmd_flags, label, sizeof(label)));
}

static void json_label(struct json *j, const void *rec)
{
	const struct entry *e = rec;
	char label[FLAGS_LABEL_LEN];

	if (opts.per_disk)
		blk_json_dev(j, e->key.dev);
	if (opts.per_flags) {
		json_str(j, "flags", blk_flags_label(e->key.cmd_flags, label, sizeof(label)));
		json_uint(j, "cmd_flags", e->key.cmd_flags);
	}
}

static void json_head(struct json *j)
{
	json_bool(j, "queued", opts.queued);
}

/* One histogram without -D/-F; otherwise room for many disks and request types. */
static int hist_entries(void)
{
	if (opts.per_disk && opts.per_flags)
		return MAX_HISTS;
	return opts.per_disk || opts.per_flags ? MAX_HISTS / 4 : 1;
}

/* Without -D/-F, the per-CPU histogram's growth; with them, those taken out of the hash. */
static int print_interval(void *ctx)
{
	static struct hist_source source = {
		.all_value_size = sizeof(struct hist),
		.max = MAX_HISTS,
		.skip_empty = true,
	};
	struct biolatency_bpf *skel = ctx;

	source.all_fd = bpf_map__fd(skel->maps.hist_all);
	source.keyed_fd = opts.per_disk || opts.per_flags ? bpf_map__fd(skel->maps.hists) : -1;
	return hist_print_interval(
		&source, &(struct hist_sections){
				 .recs = hists,
				 .rec_size = sizeof(hists[0]),
				 .slots_off = offsetof(struct entry, slots),
				 .nslots = MAX_SLOTS,
				 .unit = opts.msecs ? "msecs" : "usecs",
				 .text_label = opts.per_disk || opts.per_flags ? text_label : NULL,
				 .json_label = json_label,
				 .json_head = json_head,
			 });
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct biolatency_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(biolatency_bpf);
	if (!skel)
		return 1;
	skel->rodata->per_disk = opts.per_disk;
	skel->rodata->per_flags = opts.per_flags;
	skel->rodata->queued = opts.queued;
	skel->rodata->in_msecs = opts.msecs;
	bpf_map__set_max_entries(skel->maps.hists, hist_entries());
	if (!blk_configure(skel->obj, opts.disk_dev) && !blk_choose_hooks(skel->obj, opts.queued)) {
		skel->rodata->flags_mask = blk_flags_mask();
		err = tool_run_intervals(&(struct tool_intervals){
			.skel = skel->skeleton,
			.banner = "Tracing block device I/O... Hit Ctrl-C to end.",
			.print_interval = print_interval,
			.ctx = skel,
		});
	}
	biolatency_bpf__destroy(skel);
	return err;
}

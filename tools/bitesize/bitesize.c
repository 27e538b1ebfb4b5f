// SPDX-License-Identifier: GPL-2.0
/* bitesize: block I/O sizes as log2 histograms, one per process name. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>

#include "blk.h"
#include "hist.h"
#include "output.h"
#include "probe.h"
#include "tool.h"
#include "bitesize.h"
#include "bitesize.skel.h"

#define MAX_HISTS 10240 /* the map's size: one per command name */

static uint32_t disk_dev;

static const struct opt_pick picks[] = {
	{ OPT_COMM, 'c', "comm", "Only I/O submitted by commands whose name contains NAME" },
	{ OPT_TIME, 'T', "timestamp", "Print the time of day before each summary" },
	{ OPT_INTERVAL, 0, NULL, NULL },
	{},
};

enum { OPT_SUBMITTER = 0x100 };

static bool by_submitter;

static const struct argp_option options[] = {
	{ "disk", 'd', "DISK", 0, "Only I/O to this disk (e.g. sda, nvme0n1)", 0 },
	{ "submitter", OPT_SUBMITTER, NULL, 0,
	  "Count each request under the task that submitted it (Linux 6.5), not the one issuing it",
	  0 },
	{},
};

static const char doc[] =
	"Summarize block device I/O sizes as histograms, one per process name.\v"
	"Each request is counted once, when it is issued to the device, under the "
	"name of the task issuing it, which may be a kworker; with --submitter, under "
	"the task that submitted it (Linux 6.5 and later: block_io_start; about 200 ns "
	"more per I/O).  Without an interval, "
	"one summary is printed at "
	"Ctrl-C; with one, every interval seconds, count times.\n\n"
	"Examples:\n"
	"  bitesize              # histograms of all block I/O, at Ctrl-C\n"
	"  bitesize 1 10         # every second, 10 times\n"
	"  bitesize -T 1         # every second, with the time of day\n"
	"  bitesize -c fio       # I/O of commands named fio only\n"
	"  bitesize -d nvme0n1   # I/O to nvme0n1 only\n"
	"  bitesize --json 5     # one JSON object every 5 seconds";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	if (key == OPT_SUBMITTER) {
		by_submitter = true;
		return 0;
	}
	if (key != 'd')
		return ARGP_ERR_UNKNOWN;
	disk_dev = blk_parse_disk("-d", arg);
	return 0;
}

/* A histogram of the interval, as hist_drain lays it out (the map's key, then its value). */
static struct entry {
	struct hist_key key;
	uint64_t slots[MAX_SLOTS];
} hists[MAX_HISTS];

_Static_assert(sizeof(hists[0].slots) == sizeof(struct hist), "hist layout");

static void text_label(FILE *f, const void *rec)
{
	const struct entry *e = rec;

	fputs("Process Name = ", f);
	print_escaped(f, e->key.comm, sizeof(e->key.comm));
	fputc('\n', f);
}

static void json_label(struct json *j, const void *rec)
{
	const struct entry *e = rec;

	json_strn(j, "comm", e->key.comm, sizeof(e->key.comm));
}

static int by_comm(const void *a, const void *b)
{
	return strncmp(((const struct entry *)a)->key.comm, ((const struct entry *)b)->key.comm,
		       TASK_COMM_LEN);
}

static int print_interval(void *ctx)
{
	struct bitesize_bpf *skel = ctx;
	int n = hist_drain(bpf_map__fd(skel->maps.hists),
			   &(struct hist_records){
				   .recs = hists,
				   .rec_size = sizeof(hists[0]),
				   .value_off = offsetof(struct entry, slots),
				   .max = MAX_HISTS,
				   .cmp = by_comm,
			   });

	if (n < 0) {
		cli_warn("cannot read the histograms: %s", strerror(-n));
		return n;
	}
	hist_print_sections(&(struct hist_sections){
		.recs = hists,
		.n = n,
		.rec_size = sizeof(hists[0]),
		.slots_off = offsetof(struct entry, slots),
		.nslots = MAX_SLOTS,
		.unit = "Kbytes",
		.text_label = text_label,
		.json_label = json_label,
	});
	return 0;
}

/*
 * With --submitter, the submitter's hook, where there is one; without, the
 * issuing task is counted.  BPFSCOPE_AVOID=block_io_start (tests) makes it
 * look missing.
 */
static void choose_submitter_hook(struct bitesize_bpf *skel)
{
	struct bpf_program *alts[] = {
		skel->progs.block_io_start_btf,
		skel->progs.block_io_start_raw,
	};
	bool have = false;

	if (!by_submitter || env_avoids("block_io_start")) {
		bpf_program__set_autoload(alts[0], false);
		bpf_program__set_autoload(alts[1], false);
	} else {
		have = hook_choose_optional(alts, ARRAY_SIZE(alts)) >= 0;
	}
	if (by_submitter && !have && common_opts.verbose)
		fprintf(stderr,
			"%s: no block_io_start tracepoint: I/O is counted under the task that "
			"issues it\n",
			program_invocation_short_name);
	skel->rodata->have_submitter = have;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct bitesize_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(bitesize_bpf);
	if (!skel)
		return 1;
	if (!blk_configure(skel->obj, disk_dev) && !blk_choose_hooks(skel->obj, false)) {
		choose_submitter_hook(skel);
		err = tool_run_intervals(&(struct tool_intervals){
			.skel = skel->skeleton,
			.banner = "Tracing block device I/O... Hit Ctrl-C to end.",
			.print_interval = print_interval,
			.ctx = skel,
		});
	}
	bitesize_bpf__destroy(skel);
	return err;
}

// SPDX-License-Identifier: GPL-2.0
/* biostacks: block I/O latency histograms per submitter and its kernel stack. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "blk.h"
#include "blkreq.h"
#include "hist.h"
#include "output.h"
#include "stacks.h"
#include "tool.h"
#include "biostacks.h"
#include "biostacks.skel.h"

static struct {
	bool msecs;
	__u32 disk_dev;
} opts;

static const struct opt_pick picks[] = {
	{ OPT_DURATION, 0, NULL, NULL },
	{},
};

static const struct argp_option options[] = {
	{ "disk", 'd', "DISK", 0, "Trace this disk only (e.g. sda, nvme0n1)", 0 },
	{ "milliseconds", 'm', NULL, 0, "Millisecond histogram", 0 },
	{},
};

static const char doc[] =
	"Tracing block I/O with init stacks: a latency histogram (from the request's "
	"making to its completion) per process, kernel stack that submitted it, and disk.\v"
	"The histograms are printed at Ctrl-C or after DURATION seconds.\n\n"
	"Examples:\n"
	"  biostacks              # trace block I/O with init stacks\n"
	"  biostacks 1            # trace for 1 seconds only\n"
	"  biostacks -d sdc       # trace sdc only\n"
	"  biostacks --json 5     # one JSON object after 5 seconds";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	switch (key) {
	case 'd':
		opts.disk_dev = blk_parse_disk("-d", arg);
		return 0;
	case 'm':
		opts.msecs = true;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

struct rec {
	struct bs_key key;
	struct bs_hist val;
};

static struct stacks *stacks;

/* "comm pid disk", then the frames (upstream's layout, indented as other stack tools). */
static void text_label(FILE *f, const void *p)
{
	const struct rec *r = p;
	size_t len = strnlen(r->key.stack.comm, sizeof(r->key.stack.comm));

	print_escaped(f, r->key.stack.comm, len);
	fprintf(f, "%*s %-6u %-7s\n", len < 14 ? (int)(14 - len) : 0, "", r->key.stack.pid,
		blk_dev_name(r->key.dev));
	stacks_print_key(stacks, &r->key.stack);
}

static void json_label(struct json *j, const void *p)
{
	const struct rec *r = p;

	json_strn(j, "comm", r->key.stack.comm, sizeof(r->key.stack.comm));
	json_uint(j, "pid", r->key.stack.pid);
	blk_json_dev(j, r->key.dev);
	stacks_json_key(stacks, j, &r->key.stack);
}

static struct hist_source source = { .all_fd = -1, .max = MAX_HISTS };
static struct hist_sections sections = {
	.rec_size = sizeof(struct rec),
	.slots_off = offsetof(struct rec, val.slots),
	.nslots = MAX_SLOTS,
	.text_label = text_label,
	.json_label = json_label,
};

static int print_interval(void *ctx)
{
	struct biostacks_bpf *skel = ctx;
	/* Frames above the block layer's entry are the tracepoint's and the BPF program's. */
	struct stack_show show = {
		.kernel = true,
		.kernel_from = "blk_mq_submit_bio",
		.format = STACK_MULTILINE,
	};

	if (!stacks) {
		stacks = stacks_new(bpf_map__fd(skel->maps.stacks), &show);
		if (!stacks) {
			cli_warn("out of memory");
			return -1;
		}
	}
	source.keyed_fd = bpf_map__fd(skel->maps.hists);
	return hist_print_interval(&source, &sections);
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct biostacks_bpf *skel;
	struct rec *recs;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	recs = calloc(MAX_HISTS, sizeof(*recs));
	if (!recs)
		cli_die("out of memory");
	sections.recs = recs;
	sections.unit = opts.msecs ? "msecs" : "usecs";
	skel = TOOL_OPEN(biostacks_bpf);
	if (skel) {
		skel->rodata->in_msecs = opts.msecs;
		if (!blkreq_configure(skel->obj, opts.disk_dev, false))
			err = tool_run_intervals(&(struct tool_intervals){
				.skel = skel->skeleton,
				.banner = "Tracing block I/O with init stacks. Hit Ctrl-C to end.",
				.print_interval = print_interval,
				.ctx = skel,
			});
	}
	stacks_free(stacks);
	biostacks_bpf__destroy(skel);
	free(recs);
	return err;
}

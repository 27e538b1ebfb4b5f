// SPDX-License-Identifier: GPL-2.0
/* fsdist: file-system operation latency as histograms (ext4dist, xfsdist, ...). */
#include <stddef.h>
#include <stdio.h>
#include <bpf/bpf.h>

#include "fsops.h"
#include "fstypes.h"
#include "hist.h"
#include "output.h"
#include "tool.h"
#include "fsdist.h"
#include "fsdist.skel.h"

enum { OPT_CGROUP_KEY = 0x100 };

static struct {
	const struct fstype *fs;
	bool msecs;
} opts;

static const struct opt_pick picks[] = {
	{ OPT_TIME, 'T', "timestamp", "Print a timestamp (HH:MM:SS) with each interval" },
	{ OPT_PID, 'p', NULL, NULL },
	{ OPT_CGROUP, OPT_CGROUP_KEY, "cgroup", NULL },
	{ OPT_INTERVAL, 0, NULL, NULL },
	{},
};

static const struct argp_option options[] = {
	{ "type", 't', "TYPE", 0, "Which file system to trace: btrfs, ext4, nfs, xfs or zfs", 0 },
	{ "milliseconds", 'm', NULL, 0, "Millisecond histograms (default: microseconds)", 0 },
	{},
};

static const char doc[] =
	"Summarize file system operation latency: reads, writes, opens, fsyncs and "
	"getattrs, a histogram for each.\v"
	"Run as ext4dist, xfsdist, btrfsdist, nfsdist or zfsdist, it is fsdist -t "
	"ext4 (xfs, ...).  Without INTERVAL, the histograms are printed at Ctrl-C; "
	"with INTERVAL (seconds), every INTERVAL, COUNT times or until Ctrl-C.  Where "
	"the kernel allows fentry or kprobes, the file system's own functions are "
	"timed; elsewhere the system calls that reach them, for files of that file "
	"system (see fsdist(8): what that path cannot see).\n\n"
	"Examples:\n"
	"  fsdist -t ext4         # ext4 operation latency, printed at Ctrl-C\n"
	"  ext4dist 1 10          # 1 second summaries, 10 times\n"
	"  fsdist -t nfs -p 1216  # nfs operations of process 1216 only\n"
	"  fsdist -t btrfs -m 5   # 5 s summaries, in milliseconds\n"
	"  fsdist -t xfs --json 1  # one JSON object per second";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	switch (key) {
	case 't':
		opts.fs = fstype_find(arg);
		if (!opts.fs)
			cli_bad_value("-t", arg, fstype_names());
		return 0;
	case 'm':
		opts.msecs = true;
		return 0;
	case ARGP_KEY_END:
		if (!opts.fs)
			cli_usage_error("which file system? -t TYPE (%s)", fstype_names());
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

/* An operation's histogram: the map's key, then its value. */
struct section {
	__u32 op;
	uint64_t slots[MAX_SLOTS];
};

static void text_label(FILE *f, const void *rec)
{
	fprintf(f, "operation = '%s'\n", fs_op_name(((const struct section *)rec)->op));
}

static void json_label(struct json *j, const void *rec)
{
	json_str(j, "operation", fs_op_name(((const struct section *)rec)->op));
}

static void json_head(struct json *j)
{
	json_str(j, "fs", opts.fs->name);
}

static struct section secs[FS_OP_MAX];
static struct hist_source source = { .all_fd = -1, .max = FS_OP_MAX };
static struct hist_sections sections = {
	.recs = secs,
	.rec_size = sizeof(struct section),
	.slots_off = offsetof(struct section, slots),
	.nslots = MAX_SLOTS,
	.text_label = text_label,
	.json_label = json_label,
	.json_head = json_head,
};

static struct fsdist_bpf *skel;

static int print_interval(void *ctx)
{
	(void)ctx;
	source.keyed_fd = bpf_map__fd(skel->maps.hists);
	return hist_print_interval(&source, &sections);
}

static const char *banner(void)
{
	static char buf[96];

	snprintf(buf, sizeof(buf), "Tracing %s operation latency... Hit Ctrl-C to end.",
		 opts.fs->name);
	return buf;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct fsops ops = { .ops = FS_OPS_ALL };
	int err = 1;

	opts.fs = fstype_of_name(program_invocation_short_name, "dist");
	tool_parse(&argp, picks, argc, argv);
	ops.fs = opts.fs;
	sections.unit = opts.msecs ? "msecs" : "usecs";
	skel = TOOL_OPEN(fsdist_bpf);
	if (!skel)
		return 1;
	skel->rodata->in_msecs = opts.msecs;
	if (!fsops_choose(&ops, skel->obj))
		err = tool_run_intervals(&(struct tool_intervals){
			.skel = skel->skeleton,
			.banner = banner(),
			.print_interval = print_interval,
			.ctx = &ops, /* for fsops_attach */
			.attach = fsops_attach,
		});
	fsops_detach(&ops);
	fsdist_bpf__destroy(skel);
	return err;
}

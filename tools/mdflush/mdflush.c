// SPDX-License-Identifier: GPL-2.0
/* mdflush: trace flush requests to md (software RAID) devices. */
#include <stdio.h>
#include <string.h>

#include "blk.h"
#include "probe.h"
#include "row.h"
#include "tool.h"
#include "mdflush.h"
#include "mdflush.skel.h"

static const struct opt_pick picks[] = {
	{ OPT_PID, 'p', NULL, "Trace this process only (or these: PID,PID...)" },
	{ OPT_COMM, 'n', NULL, "Only trace commands whose name contains NAME" },
	{ OPT_CGROUP, 'c', NULL, NULL },
	{ OPT_DURATION, 'd', NULL, NULL },
	{},
};

static const char doc[] = "Trace md flush events: each flush request sent to an md (software RAID) "
			  "device, with the process that sent it.\v"
			  "A flush bio (REQ_PREFLUSH) to an md device (major 9) is seen as it is "
			  "queued (block:block_bio_queue), else where md handles it "
			  "(md_flush_request: fentry or kprobe; see mdflush(8)).\n\n"
			  "Examples:\n"
			  "  mdflush                # every md flush\n"
			  "  mdflush -p 185         # flushes sent by process 185 only\n"
			  "  mdflush --json         # one JSON object per flush";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)key;
	(void)arg;
	(void)state;
	return ARGP_ERR_UNKNOWN;
}

static void md_row(struct row *r, const void *rec)
{
	const struct md_event *e = rec;
	char dev[24];
	const char *name = r->mode == ROW_HEADER ? "" : blk_dev_name(e->dev);

	row_hms(r, "TIME");
	row_uint(r, "PID", "pid", -7, e->pid);
	row_uint(r, NULL, "tid", 0, e->tid);
	row_str(r, "COMM", "comm", -16, e->comm, sizeof(e->comm));
	row_str(r, "DEVICE", "device", 0, name, strlen(name));
	row_str(r, NULL, "dev", 0, blk_dev_str(e->dev, dev, sizeof(dev)), sizeof(dev));
}

/*
 * block_bio_queue: tp_btf, raw_tp, then the classic event; the md function
 * (fentry, kprobe) where the kernel has no block_bio_queue.
 */
static int choose_hooks(struct mdflush_bpf *skel)
{
	struct bpf_program *alts[] = {
		skel->progs.block_bio_queue_btf,     skel->progs.block_bio_queue_raw,
		skel->progs.block_bio_queue_tp,	     skel->progs.md_flush_request_fentry,
		skel->progs.md_flush_request_kprobe,
	};

	skel->rodata->bio_queue_has_queue_arg =
		blk_tp_has_queue_arg(probe_kernel_btf(), "block_bio_queue");
	return hook_choose("md flushes", alts, ARRAY_SIZE(alts)) < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { NULL, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct mdflush_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(mdflush_bpf);
	if (!skel)
		return 1;
	if (!choose_hooks(skel))
		err = tool_run_events(&(struct tool_events){
			.skel = skel->skeleton,
			.banner = "Tracing md flush requests... Hit Ctrl-C to end.",
			.row = md_row,
			.rec_size = sizeof(struct md_event),
			.rec_min = sizeof(struct md_event),
		});
	mdflush_bpf__destroy(skel);
	return err;
}

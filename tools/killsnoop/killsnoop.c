// SPDX-License-Identifier: GPL-2.0
/* killsnoop: trace kill(), tkill() and tgkill() calls system wide, with their result. */
#include <limits.h>
#include <stdio.h>

#include "row.h"
#include "tool.h"
#include "killsnoop.h"
#include "killsnoop.skel.h"

enum { OPT_COMM_KEY = 0x100 };

static struct {
	int target;
	struct signal_set signals;
	struct signal_columns cols;
} opts = { .cols = { .time_width = 9, .sig_width = 4, .tpid_width = 8, .zero_name = "0" } };

static const struct opt_pick picks[] = {
	{ OPT_FAILED, 'x', NULL, "Only show failed kill calls" },
	{ OPT_PID, 'p', NULL, "Only calls made by this process (or these: PID,PID...)" },
	{ OPT_UID, 'u', NULL, "Only calls made by this user (number or name)" },
	{ OPT_COMM, OPT_COMM_KEY, "comm", "Only calls made by commands whose name contains NAME" },
	{ OPT_CGROUP, 'c', NULL, "Only calls made by tasks in this cgroup (v2 directory)" },
	{ OPT_DURATION, 'd', NULL, NULL },
	{},
};

static const struct argp_option options[] = {
	{ "tpid", 'T', "TPID", 0, "Only calls whose target is TPID (tgkill: the thread or process)",
	  0 },
	{ "signal", 's', "SIGNAL", 0,
	  "Only these signals: numbers or names, comma separated (e.g. 9,TERM,0)", 0 },
	{ "name", 'n', NULL, 0, "Show signal names (SIGTERM) instead of numbers", 0 },
	{},
};

static const char doc[] =
	"Trace kill(), tkill() and tgkill() calls: sender, signal, target, result.\v"
	"TPID is the target as the caller gave it (0 or negative: a process group, -1: all);\n"
	"RESULT is the call's return: 0, or a negative errno (-1 EPERM, -3 ESRCH).\n\n"
	"Examples:\n"
	"  killsnoop              # every kill call\n"
	"  killsnoop -x           # failed kill calls only\n"
	"  killsnoop -p 181       # calls made by process 181\n"
	"  killsnoop -T 189       # calls aimed at process 189\n"
	"  killsnoop -s 9 -n      # SIGKILL only, by name\n"
	"  killsnoop --json       # one JSON object per call";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	switch (key) {
	case 'T':
		opts.target = cli_parse_long("-T", arg, -INT_MAX, INT_MAX);
		if (!opts.target)
			cli_bad_value("-T", arg, "0 (the caller's process group) is not supported");
		return 0;
	case 's':
		signal_set_parse("-s", arg, &opts.signals);
		return 0;
	case 'n':
		opts.cols.names = true;
		opts.cols.sig_width = 9;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static void kill_row(struct row *r, const void *rec)
{
	signal_row(r, rec, &opts.cols);
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct killsnoop_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(killsnoop_bpf);
	if (!skel)
		return 1;
	skel->rodata->filter_target = opts.target;
	if (!signal_set_apply(skel->obj, &opts.signals) && !signal_kill_hooks(skel->obj, true))
		err = tool_run_events(&(struct tool_events){
			.skel = skel->skeleton,
			.row = kill_row,
			.rec_size = sizeof(struct signal_event),
			.rec_min = sizeof(struct signal_event),
		});
	killsnoop_bpf__destroy(skel);
	return err;
}

// SPDX-License-Identifier: GPL-2.0
/* sigsnoop: trace signals system wide: who sent which signal to whom, and what became of it. */
#include <stdio.h>

#include "probe.h"
#include "row.h"
#include "tool.h"
#include "sigsnoop.h"
#include "sigsnoop.skel.h"

enum { OPT_COMM_KEY = 0x100 };

static struct {
	bool kill_only;
	struct signal_set signals;
	struct signal_columns cols;
} opts = { .cols = { .time_width = 8, .sig_width = 9, .tpid_width = 7, .zero_name = "N/A" } };

static const struct opt_pick picks[] = {
	{ OPT_FAILED, 'x', NULL,
	  "Only show failed signals: not delivered (ignored, already pending, queue full); "
	  "with -k, calls that returned an error" },
	{ OPT_PID, 'p', NULL, "Only signals sent by this process (or these: PID,PID...)" },
	{ OPT_UID, 'u', NULL, "Only signals sent by this user (number or name)" },
	{ OPT_COMM, OPT_COMM_KEY, "comm",
	  "Only signals sent by commands whose name contains NAME" },
	{ OPT_CGROUP, 'c', NULL, "Only signals sent by tasks in this cgroup (v2 directory)" },
	{ OPT_DURATION, 'd', NULL, NULL },
	{},
};

static const struct argp_option options[] = {
	{ "kill", 'k', NULL, 0, "Trace kill(), tkill() and tgkill() calls only, with their result",
	  0 },
	{ "name", 'n', NULL, 0, "Show signal names (SIGTERM) instead of numbers", 0 },
	{ "signal", 's', "SIGNAL", 0,
	  "Only these signals: numbers or names, comma separated (e.g. 9,TERM,SIGUSR1)", 0 },
	{},
};

static const char doc[] =
	"Trace signals: the sender, the signal, the target and the result.\v"
	"RESULT is what the kernel did with the signal: 0 delivered (queued),\n"
	"1 ignored, 2 already pending, 3 queue full, 4 delivered without its\n"
	"information; with -k, the return of the call (0, or a negative errno:\n"
	"-1 EPERM, -3 ESRCH).\n\n"
	"Examples:\n"
	"  sigsnoop               # every signal\n"
	"  sigsnoop -k            # kill(), tkill() and tgkill() calls only\n"
	"  sigsnoop -x            # signals not delivered (with -k: failed calls)\n"
	"  sigsnoop -p 1216       # signals sent by process 1216\n"
	"  sigsnoop -s 9,TERM -n  # SIGKILL and SIGTERM only, by name\n"
	"  sigsnoop --json        # one JSON object per signal";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	switch (key) {
	case 'k':
		opts.kill_only = true;
		return 0;
	case 'n':
		opts.cols.names = true;
		return 0;
	case 's':
		signal_set_parse("-s", arg, &opts.signals);
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static void sig_row(struct row *r, const void *rec)
{
	signal_row(r, rec, &opts.cols);
}

/* signal_generate: tp_btf, raw_tp or the classic tracepoint; -k: the kill calls instead. */
static int choose_hooks(struct sigsnoop_bpf *skel)
{
	struct bpf_program *generate[] = {
		skel->progs.signal_generate_btf,
		skel->progs.signal_generate_raw,
		skel->progs.signal_generate_tp,
	};
	size_t i;

	if (!opts.kill_only) {
		if (signal_kill_hooks(skel->obj, false))
			return -1;
		return hook_choose("signal_generate", generate, ARRAY_SIZE(generate)) < 0 ? -1 : 0;
	}
	for (i = 0; i < ARRAY_SIZE(generate); i++)
		bpf_program__set_autoload(generate[i], false);
	return signal_kill_hooks(skel->obj, true);
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct sigsnoop_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(sigsnoop_bpf);
	if (!skel)
		return 1;
	if (!signal_set_apply(skel->obj, &opts.signals) && !choose_hooks(skel))
		err = tool_run_events(&(struct tool_events){
			.skel = skel->skeleton,
			.row = sig_row,
			.rec_size = sizeof(struct signal_event),
			.rec_min = sizeof(struct signal_event),
		});
	sigsnoop_bpf__destroy(skel);
	return err;
}

// SPDX-License-Identifier: GPL-2.0
/* tcpsynbl: summarize TCP listen backlogs as histograms, one per backlog limit. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <bpf/bpf.h>

#include "hist.h"
#include "output.h"
#include "probe.h"
#include "tool.h"
#include "tcpsynbl.h"
#include "tcpsynbl.skel.h"

static const struct opt_pick picks[] = {
	{ OPT_TIME, 'T', "timestamp", "Include a timestamp (HH:MM:SS) with each output" },
	{ OPT_IPV4, '4', NULL, "Trace IPv4 listeners only" },
	{ OPT_IPV6, '6', NULL, "Trace IPv6 listeners only (with IPv4 clients of dual-stack ones)" },
	{ OPT_INTERVAL, 0, NULL, NULL },
	{},
};

static const char doc[] =
	"Summarize TCP listen backlogs: how many connections waited in a listener's "
	"accept queue each time a handshake completed, as a histogram per backlog limit.\v"
	"Without INTERVAL, one summary is printed at Ctrl-C.  With INTERVAL (seconds), "
	"one per interval, COUNT times or until Ctrl-C.\n\n"
	"Examples:\n"
	"  tcpsynbl               # one summary at Ctrl-C\n"
	"  tcpsynbl 1 10          # 1 second summaries, 10 times\n"
	"  tcpsynbl -T 1          # 1 second summaries with timestamps\n"
	"  tcpsynbl -4            # IPv4 listeners only\n"
	"  tcpsynbl -6            # IPv6 listeners only\n"
	"  tcpsynbl --json 1      # one JSON object per second";

/* One histogram of an interval: the backlog limit (the map's key), then its value. */
struct section {
	__u32 max;
	__u32 pad;
	struct backlog_hist h;
};

static struct section secs[MAX_HISTS];

static void text_label(FILE *f, const void *rec)
{
	fprintf(f, "backlog_max = %u\n", ((const struct section *)rec)->max);
}

static void json_label(struct json *j, const void *rec)
{
	json_uint(j, "backlog_max", ((const struct section *)rec)->max);
}

static struct hist_source source = { .all_fd = -1, .max = MAX_HISTS };
static struct hist_sections sections = {
	.recs = secs,
	.rec_size = sizeof(struct section),
	.slots_off = offsetof(struct section, h),
	.nslots = MAX_SLOTS,
	.unit = "backlog",
	.text_label = text_label,
	.json_label = json_label,
};

static int print_interval(void *ctx)
{
	struct tcpsynbl_bpf *skel = ctx;

	source.keyed_fd = bpf_map__fd(skel->maps.hists);
	return hist_print_interval(&source, &sections);
}

/*
 * The SYN_RECV state change of the listener's clone (any kernel with the
 * tracepoint), else upstream's hook on both address families' functions.
 */
static int choose_hooks(struct tcpsynbl_bpf *skel)
{
	struct bpf_program *alts[] = {
		skel->progs.set_state_btf,	skel->progs.set_state_raw,
		skel->progs.set_state_tp,	skel->progs.syn_recv_v4_fentry,
		skel->progs.syn_recv_v4_kprobe,
	};
	struct bpf_program *v6[] = { skel->progs.syn_recv_v6_fentry,
				     skel->progs.syn_recv_v6_kprobe };
	int k;

	bpf_program__set_autoload(v6[0], false);
	bpf_program__set_autoload(v6[1], false);
	k = hook_choose("completed TCP handshakes (inet_sock_set_state)", alts, ARRAY_SIZE(alts));
	if (k < 3)
		return k < 0 ? -1 : 0;
	/* The IPv6 function is the same kind as the IPv4 one: a kernel without IPv6 lacks it. */
	hook_choose_optional(&v6[k - 3], 1);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { NULL, NULL, NULL, doc, NULL, NULL, NULL };
	struct tcpsynbl_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(tcpsynbl_bpf);
	if (!skel)
		return 1;
	if (!choose_hooks(skel))
		err = tool_run_intervals(&(struct tool_intervals){
			.skel = skel->skeleton,
			.banner = "Tracing SYN backlog size. Ctrl-C to end.",
			.print_interval = print_interval,
			.ctx = skel,
		});
	tcpsynbl_bpf__destroy(skel);
	return err;
}

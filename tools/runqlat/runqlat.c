// SPDX-License-Identifier: GPL-2.0
/* runqlat: summarize run queue (scheduler) latency as histograms. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "hist.h"
#include "output.h"
#include "probe.h"
#include "tool.h"
#include "runqlat.h"
#include "runqlat.skel.h"

static struct {
	bool msecs;
	bool pidnss;
} opts;

enum { OPT_PIDNSS = 0x100 };

static const struct opt_pick picks[] = {
	{ OPT_TIME, 'T', "timestamp", "Include a timestamp (HH:MM:SS) with each output" },
	{ OPT_PER_PID, 'P', NULL, "Print a histogram per process ID" },
	{ OPT_PER_TID, 'L', NULL, "Print a histogram per thread ID" },
	{ OPT_PID, 'p', NULL, NULL },
	{ OPT_CGROUP, 'c', NULL, NULL },
	{ OPT_INTERVAL, 0, NULL, NULL },
	{},
};

static const struct argp_option options[] = {
	{ "milliseconds", 'm', NULL, 0, "Millisecond histograms (default: microseconds)", 0 },
	{ "pidnss", OPT_PIDNSS, NULL, 0, "Print a histogram per PID namespace", 0 },
	{},
};

static const char doc[] =
	"Summarize run queue (scheduler) latency as a histogram: the time tasks wait "
	"to run once they are runnable.\v"
	"Without INTERVAL, one histogram is printed at Ctrl-C.  With INTERVAL (seconds), "
	"a histogram of each interval is printed, COUNT times or until Ctrl-C.\n\n"
	"Examples:\n"
	"  runqlat                # one histogram at Ctrl-C\n"
	"  runqlat 1 10           # 1 second summaries, 10 times\n"
	"  runqlat -mT 1          # 1s summaries, in milliseconds, with timestamps\n"
	"  runqlat -P             # a histogram per process\n"
	"  runqlat -L -p 185      # a histogram per thread of process 185\n"
	"  runqlat --pidnss       # a histogram per PID namespace (containers)\n"
	"  runqlat -c /sys/fs/cgroup/system.slice  # tasks of that cgroup only\n"
	"  runqlat --json 1       # one JSON object per second";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)arg;
	(void)state;
	switch (key) {
	case 'm':
		opts.msecs = true;
		return 0;
	case OPT_PIDNSS:
		opts.pidnss = true;
		return 0;
	case ARGP_KEY_END:
		if (opts.pidnss && gopts.key_by != KEY_NONE)
			cli_usage_error("-P, -L and --pidnss cannot be combined");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static enum hist_by hist_by(void)
{
	if (opts.pidnss)
		return BY_PIDNS;
	return gopts.key_by == KEY_PID ? BY_PID : gopts.key_by == KEY_TID ? BY_TID : BY_NONE;
}

static const char *const by_label[] = {
	[BY_PID] = "pid",
	[BY_TID] = "tid",
	[BY_PIDNS] = "pidns",
};

/* One histogram section of an interval: the map's key, then its value (struct hist). */
struct section {
	__u32 id;
	uint64_t slots[MAX_SLOTS];
	char comm[TASK_COMM_LEN];
};

static struct hist_source source = { .all_value_size = sizeof(struct hist), .max = MAX_HISTS };
static struct hist_sections sections = {
	.rec_size = sizeof(struct section),
	.slots_off = offsetof(struct section, slots),
	.nslots = MAX_SLOTS,
	.comm_off = offsetof(struct section, comm),
};

/*
 * The single histogram is per CPU and never cleared: an interval is the
 * growth since the previous one, so no update is lost.  Keyed ones are
 * drained from their hash.
 */
static int print_interval(void *ctx)
{
	struct runqlat_bpf *skel = ctx;

	source.all_fd = bpf_map__fd(skel->maps.hist_all);
	source.keyed_fd = hist_by() == BY_NONE ? -1 : bpf_map__fd(skel->maps.hists);
	return hist_print_interval(&source, &sections);
}

static void configure(struct runqlat_bpf *skel)
{
	skel->rodata->hist_by = hist_by();
	skel->rodata->in_msecs = opts.msecs;
	/* An entry lives as long as its thread: room for every one alive, twice over. */
	bpf_map__set_max_entries(skel->maps.start, probe_threads_room(2, START_ENTRIES));
	/* Only one of the histogram maps is used: keep the other minimal. */
	if (hist_by() == BY_NONE)
		bpf_map__set_max_entries(skel->maps.hists, 1);
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct runqlat_bpf *skel;
	struct section *secs;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	secs = calloc(hist_by() == BY_NONE ? 1 : MAX_HISTS, sizeof(*secs));
	if (!secs)
		cli_die("out of memory");
	sections.recs = secs;
	sections.unit = opts.msecs ? "msecs" : "usecs";
	/* -P, -L, --pidnss: "pid = 123 comm" above each histogram. */
	if (hist_by() != BY_NONE)
		sections.id_name = by_label[hist_by()];
	skel = TOOL_OPEN(runqlat_bpf);
	if (!skel)
		goto out;
	configure(skel);
	/* Without sched_process_free, entries of exited tasks stay until the tool exits. */
	if (!hook_choose_each(skel->obj, (const char *const[]){ "sched_process_free", NULL }))
		err = tool_run_intervals(&(struct tool_intervals){
			.skel = skel->skeleton,
			.banner = "Tracing run queue latency... Hit Ctrl-C to end.",
			.print_interval = print_interval,
			.ctx = skel,
		});
	runqlat_bpf__destroy(skel);
out:
	free(secs);
	return err;
}

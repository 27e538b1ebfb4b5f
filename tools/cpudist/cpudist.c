// SPDX-License-Identifier: GPL-2.0
/* cpudist: summarize on-CPU (or off-CPU) time per task as histograms. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <bpf/bpf.h>

#include "hist.h"
#include "output.h"
#include "probe.h"
#include "tool.h"
#include "cpudist.h"
#include "cpudist.skel.h"

static struct {
	bool offcpu;
	bool msecs;
	bool idle;
} opts;

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
	{ "offcpu", 'O', NULL, 0, "Measure off-CPU time (from leaving a CPU to running again)", 0 },
	{ "milliseconds", 'm', NULL, 0, "Millisecond histograms (default: microseconds)", 0 },
	{ "include-idle", 'I', NULL, 0, "Include the CPU idle tasks (pid 0)", 0 },
	{},
};

static const char doc[] =
	"Summarize on-CPU time per task as a histogram: how long a task runs each time "
	"it gets a CPU (with -O: how long it stays off the CPU).\v"
	"Without INTERVAL, one histogram is printed at Ctrl-C.  With INTERVAL (seconds), "
	"a histogram of each interval is printed, COUNT times or until Ctrl-C.  The idle "
	"tasks are left out unless -I is given.\n\n"
	"Examples:\n"
	"  cpudist                # on-CPU time as a histogram, at Ctrl-C\n"
	"  cpudist -O             # off-CPU time as a histogram\n"
	"  cpudist 1 10           # 1 second summaries, 10 times\n"
	"  cpudist -mT 1          # 1s summaries, milliseconds, and timestamps\n"
	"  cpudist -P             # a histogram per process\n"
	"  cpudist -L -p 185      # a histogram per thread of process 185\n"
	"  cpudist -c /sys/fs/cgroup/system.slice  # tasks of that cgroup only\n"
	"  cpudist --json 1       # one JSON object per second";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)arg;
	(void)state;
	switch (key) {
	case 'O':
		opts.offcpu = true;
		return 0;
	case 'm':
		opts.msecs = true;
		return 0;
	case 'I':
		opts.idle = true;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static enum hist_by hist_by(void)
{
	return gopts.key_by == KEY_PID ? BY_PID : gopts.key_by == KEY_TID ? BY_TID : BY_NONE;
}

/* One histogram section of an interval: the map's key, then its value (struct hist). */
struct section {
	__u32 id;
	uint64_t slots[MAX_SLOTS];
	char comm[TASK_COMM_LEN];
};

static void json_head(struct json *j)
{
	json_str(j, "measure", opts.offcpu ? "off-cpu" : "on-cpu");
}

static struct hist_source source = { .all_value_size = sizeof(struct hist), .max = MAX_HISTS };
static struct hist_sections sections = {
	.rec_size = sizeof(struct section),
	.slots_off = offsetof(struct section, slots),
	.nslots = MAX_SLOTS,
	.json_head = json_head,
	.comm_off = offsetof(struct section, comm),
};

/* The single histogram grows per CPU and is never cleared; keyed ones are drained. */
static int print_interval(void *ctx)
{
	struct cpudist_bpf *skel = ctx;

	source.all_fd = bpf_map__fd(skel->maps.hist_all);
	source.keyed_fd = hist_by() == BY_NONE ? -1 : bpf_map__fd(skel->maps.hists);
	return hist_print_interval(&source, &sections);
}

/* Maps and programs only -O uses are kept minimal, or not loaded. */
static int configure(struct cpudist_bpf *skel)
{
	struct bpf_program *frees[] = {
		skel->progs.sched_process_free_btf,
		skel->progs.sched_process_free_raw,
		skel->progs.sched_process_free_tp,
	};
	size_t i;

	skel->rodata->hist_by = hist_by();
	skel->rodata->in_msecs = opts.msecs;
	skel->rodata->offcpu = opts.offcpu;
	skel->rodata->with_idle = opts.idle;
	if (hist_by() == BY_NONE)
		bpf_map__set_max_entries(skel->maps.hists, 1);
	if (opts.offcpu) {
		/* An entry lives as long as its thread: room for every one alive, twice over. */
		bpf_map__set_max_entries(skel->maps.start, probe_threads_room(2, START_ENTRIES));
	} else {
		bpf_map__set_max_entries(skel->maps.start, 1);
		for (i = 0; i < ARRAY_SIZE(frees); i++)
			bpf_program__set_autoload(frees[i], false);
	}
	/* Without sched_process_free, -O keeps entries of exited tasks until it exits. */
	return hook_choose_each(skel->obj, (const char *const[]){ "sched_process_free", NULL });
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct cpudist_bpf *skel;
	struct section *secs;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	secs = calloc(hist_by() == BY_NONE ? 1 : MAX_HISTS, sizeof(*secs));
	if (!secs)
		cli_die("out of memory");
	sections.recs = secs;
	sections.unit = opts.msecs ? "msecs" : "usecs";
	/* -P, -L: "pid = 123 comm" above each histogram. */
	if (hist_by() != BY_NONE)
		sections.id_name = hist_by() == BY_PID ? "pid" : "tid";
	skel = TOOL_OPEN(cpudist_bpf);
	if (!skel)
		goto out;
	if (!configure(skel))
		err = tool_run_intervals(&(struct tool_intervals){
			.skel = skel->skeleton,
			.banner = opts.offcpu ? "Tracing off-CPU time... Hit Ctrl-C to end."
					      : "Tracing on-CPU time... Hit Ctrl-C to end.",
			.print_interval = print_interval,
			.ctx = skel,
		});
	cpudist_bpf__destroy(skel);
out:
	free(secs);
	return err;
}

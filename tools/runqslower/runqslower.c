// SPDX-License-Identifier: GPL-2.0
/* runqslower: trace tasks that waited on a run queue longer than a threshold. */
#include <limits.h>
#include <stdio.h>

#include "output.h"
#include "probe.h"
#include "row.h"
#include "tool.h"
#include "runqslower.h"
#include "runqslower.skel.h"

static struct {
	long min_us;
	int nargs;
	bool previous;
} opts = { .min_us = MIN_US_DEFAULT };

static const struct opt_pick picks[] = {
	{ OPT_PID, 'p', NULL, NULL },
	{ OPT_TID, 't', NULL, NULL },
	{ OPT_CGROUP, 'c', NULL, NULL },
	{},
};

static const struct argp_option options[] = {
	{ "previous", 'P', NULL, 0, "Also show the previous task's name and TID", 0 },
	{},
};

static const char doc[] =
	"Trace high run queue latency: each time a task waited at least MIN_US microseconds "
	"(default 10000) from becoming runnable to running.\v"
	"Examples:\n"
	"  runqslower             # latency higher than 10000 us (default)\n"
	"  runqslower 1000        # latency higher than 1000 us\n"
	"  runqslower -p 123      # only process 123\n"
	"  runqslower -t 123      # only thread 123\n"
	"  runqslower -P          # also the task that had the CPU before\n"
	"  runqslower -c /sys/fs/cgroup/system.slice  # only tasks of that cgroup\n"
	"  runqslower --json 0    # every wait, one JSON object each";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	switch (key) {
	case 'P':
		opts.previous = true;
		return 0;
	case ARGP_KEY_ARG:
		if (opts.nargs++)
			cli_usage_error("unexpected argument '%s'", cli_shown(arg));
		opts.min_us = cli_parse_long("min_us", arg, 0, LONG_MAX / 1000);
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static void rq_row(struct row *r, const void *rec)
{
	const struct rq_event *e = rec;

	row_hms(r, "TIME");
	row_secs(r, NULL, e->ts_ns);
	row_str(r, "COMM", "comm", -16, e->comm, sizeof(e->comm));
	row_uint(r, NULL, "pid", 0, e->pid);
	row_uint(r, "TID", "tid", -6, e->tid);
	row_uint(r, "LAT(us)", "lat_us", 14, e->delta_us);
	row_str(r, opts.previous ? "PREV COMM" : NULL, "prev_comm", -16, e->prev_comm,
		sizeof(e->prev_comm));
	row_uint(r, opts.previous ? "PREV TID" : NULL, "prev_tid", 0, e->prev_tid);
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, "[MIN_US]", doc, NULL, NULL, NULL };
	struct runqslower_bpf *skel;
	char banner[80];
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(runqslower_bpf);
	if (!skel)
		return 1;
	skel->rodata->min_ns = opts.min_us * 1000ULL;
	/* An entry lives as long as its thread: room for every one alive, twice over. */
	bpf_map__set_max_entries(skel->maps.start, probe_threads_room(2, START_ENTRIES));
	snprintf(banner, sizeof(banner), "Tracing run queue latency higher than %ld us",
		 opts.min_us);
	/* Without sched_process_free, entries of exited tasks stay until the tool exits. */
	if (!hook_choose_each(skel->obj, (const char *const[]){ "sched_process_free", NULL }))
		err = tool_run_events(&(struct tool_events){
			.skel = skel->skeleton,
			.row = rq_row,
			.rec_size = sizeof(struct rq_event),
			.rec_min = sizeof(struct rq_event),
			.banner = banner,
		});
	runqslower_bpf__destroy(skel);
	return err;
}

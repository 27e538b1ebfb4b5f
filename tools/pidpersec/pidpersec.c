// SPDX-License-Identifier: GPL-2.0
/* pidpersec: new processes (and threads) per second. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>

#include "hist.h"
#include "output.h"
#include "probe.h"
#include "row.h"
#include "tool.h"
#include "pidpersec.h"
#include "pidpersec.skel.h"

static const struct opt_pick picks[] = {
	{ OPT_PID, 'p', NULL, "Count the forks of this process only (or these: PID,PID...)" },
	{ OPT_CGROUP, 'c', NULL, "Count the forks of tasks in this cgroup (v2 directory) only" },
	{ OPT_INTERVAL, 0, NULL, NULL },
	{},
};

static const char doc[] = "Count new processes (fork, clone, vfork; threads too) per second.\v"
			  "Every INTERVAL seconds (default 1), COUNT times or until Ctrl-C, a line "
			  "\"HH:MM:SS: PIDs/sec: N\"; Ctrl-C prints the interval it cut short, "
			  "at its own rate.\n\n"
			  "Examples:\n"
			  "  pidpersec              # a line per second\n"
			  "  pidpersec 5 12         # 5 second averages, 12 times\n"
			  "  pidpersec -p 185       # forks of process 185 only\n"
			  "  pidpersec -c /sys/fs/cgroup/system.slice  # forks in that cgroup\n"
			  "  pidpersec --json       # one JSON object per second";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)key;
	(void)arg;
	(void)state;
	return ARGP_ERR_UNKNOWN;
}

static void rate_row(struct row *r, const void *rec)
{
	uint64_t forks = *(const uint64_t *)rec;
	char hms[16];

	row_str(r, "", NULL, 0, strcat(time_hms(hms, sizeof(hms) - 1), ":"), sizeof(hms));
	row_hms(r, NULL);
	row_double(r, NULL, "secs", 0, 3, tool_interval_secs());
	row_str(r, "", NULL, 0, "PIDs/sec:", 10);
	row_uint(r, "", "pids_per_sec", 0, tool_interval_rate(forks));
	row_uint(r, NULL, "pids", 0, forks);
}

/* The counters are per CPU and never cleared: an interval is their growth. */
static int print_interval(void *ctx)
{
	struct pidpersec_bpf *skel = ctx;
	static uint64_t prev;
	uint64_t forks;

	return hist_print_counters(bpf_map__fd(skel->maps.forks), sizeof(struct fork_count), &forks,
				   &prev, 1, rate_row);
}

int main(int argc, char **argv)
{
	static const struct argp argp = { NULL, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct pidpersec_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	if (gopts.interval == INT_MAX)
		gopts.interval = 1;
	skel = TOOL_OPEN(pidpersec_bpf);
	if (!skel)
		return 1;
	if (!hook_choose_each(skel->obj, NULL))
		err = tool_run_intervals(&(struct tool_intervals){
			.skel = skel->skeleton,
			.banner = "Tracing new processes... Hit Ctrl-C to end.",
			.print_interval = print_interval,
			.ctx = skel,
			.lines = true,
		});
	pidpersec_bpf__destroy(skel);
	return err;
}

// SPDX-License-Identifier: GPL-2.0
/* cachestat: page cache hits, misses and dirties per interval, with the cache's size. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>

#include "hist.h"
#include "output.h"
#include "pagecache.h"
#include "row.h"
#include "tool.h"
#include "cachestat.h"
#include "cachestat.skel.h"

static const struct opt_pick picks[] = {
	{ OPT_TIME, 'T', "timestamp", "Print timestamp" },
	{ OPT_PID, 'p', NULL,
	  "Count the page cache use of this process only (or these: PID,PID...)" },
	{ OPT_CGROUP, 'c', NULL, NULL },
	{ OPT_INTERVAL, 0, NULL, NULL },
	{},
};

static const char doc[] =
	"Count page cache hits and misses (and dirtied buffers), per interval.\v"
	"Every INTERVAL seconds (default 1), COUNT times or until Ctrl-C, a line: "
	"HITS MISSES DIRTIES HITRATIO BUFFERS_MB CACHED_MB.  Where the kernel has neither "
	"fentry nor kprobes, accesses are estimated from the pages reads ask for and page "
	"faults (Linux 6.11+; see cachestat(8)).\n\n"
	"Examples:\n"
	"  cachestat              # a line per second\n"
	"  cachestat -T           # with a time column\n"
	"  cachestat 1 10         # 1 second summaries, 10 times\n"
	"  cachestat -p 185       # the page cache use of process 185 only\n"
	"  cachestat --json 5     # one JSON object per 5 seconds";

static bool estimated;

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)key;
	(void)arg;
	(void)state;
	return ARGP_ERR_UNKNOWN;
}

struct interval {
	uint64_t n[PC_COUNTERS];
	struct pc_stat st;
	uint64_t buffers_kb, cached_kb;
};

static void stat_row(struct row *r, const void *rec)
{
	const struct interval *iv = rec;
	char ratio[16];

	row_hms(r, gopts.time ? "TIME" : NULL);
	row_uint(r, "HITS", "hits", 8, iv->st.hits);
	row_uint(r, "MISSES", "misses", 8, iv->st.misses);
	row_uint(r, "DIRTIES", "dirties", 8, iv->st.dirties);
	snprintf(ratio, sizeof(ratio), "%.2f%%", iv->st.ratio);
	row_str(r, "HITRATIO", NULL, 8, ratio, sizeof(ratio));
	row_double(r, NULL, "hit_ratio", 0, 2, iv->st.ratio);
	row_uint(r, "BUFFERS_MB", "buffers_mb", 12, iv->buffers_kb / 1024);
	row_uint(r, "CACHED_MB", "cached_mb", 10, iv->cached_kb / 1024);
	/* JSON: the counters behind them, in pages (buffers for the last). */
	row_uint(r, NULL, "accessed", 0, iv->n[PC_ACCESSED]);
	row_uint(r, NULL, "added", 0, iv->n[PC_ADDED]);
	row_uint(r, NULL, "dirtied", 0, iv->n[PC_DIRTIED]);
	row_uint(r, NULL, "buffers_dirtied", 0, iv->n[PC_BUF_DIRTIED]);
	row_bool(r, NULL, "estimated", 0, estimated);
}

static void print_header(void *ctx)
{
	(void)ctx;
	row_print_header(stat_row, &(struct interval){});
}

/* The counters are per CPU and never cleared: an interval is their growth. */
static int print_interval(void *ctx)
{
	struct cachestat_bpf *skel = ctx;
	static uint64_t prev[PC_COUNTERS];
	struct interval iv = {};
	int err;

	err = hist_read_percpu_delta(bpf_map__fd(skel->maps.counts), sizeof(struct pc_counts), iv.n,
				     prev, PC_COUNTERS);
	if (err) {
		cli_warn("cannot read the counts: %s", strerror(-err));
		return -1;
	}
	pagecache_stat(iv.n, estimated, &iv.st);
	err = pagecache_meminfo("/proc/meminfo", &iv.buffers_kb, &iv.cached_kb);
	if (err) {
		cli_warn("cannot read Buffers and Cached in /proc/meminfo: %s", strerror(-err));
		return -1;
	}
	row_print(stat_row, &iv);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { NULL, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct cachestat_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	if (gopts.interval == INT_MAX)
		gopts.interval = 1;
	skel = TOOL_OPEN(cachestat_bpf);
	if (!skel)
		return 1;
	if (!pagecache_choose_hooks(skel->obj, &estimated))
		err = tool_run_intervals(&(struct tool_intervals){
			.skel = skel->skeleton,
			.print_interval = print_interval,
			.ctx = skel,
			.lines = true,
			.print_header = print_header,
		});
	cachestat_bpf__destroy(skel);
	return err;
}

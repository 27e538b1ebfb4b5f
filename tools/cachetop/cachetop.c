// SPDX-License-Identifier: GPL-2.0
/* cachetop: page cache hits and misses per process, a top view. */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "hist.h"
#include "output.h"
#include "pagecache.h"
#include "row.h"
#include "tool.h"
#include "top.h"
#include "cachetop.h"
#include "cachetop.skel.h"

enum sort_by { S_PID, S_UID, S_CMD, S_HITS, S_MISSES, S_DIRTIES, S_READ_HIT, S_WRITE_HIT };

static const char *const sort_names[] = {
	[S_PID] = "pid",	   [S_UID] = "uid",
	[S_CMD] = "cmd",	   [S_HITS] = "hits",
	[S_MISSES] = "misses",	   [S_DIRTIES] = "dirties",
	[S_READ_HIT] = "read_hit", [S_WRITE_HIT] = "write_hit",
};

static enum sort_by sort_by = S_HITS;
static bool sort_reverse;

enum { OPT_REVERSE = 0x100 };

static const struct opt_pick picks[] = {
	{ OPT_NOCLEAR, 'C', NULL, "Don't clear the screen" },
	{ OPT_MAXROWS, 'r', "rows", "Maximum rows to print, default 20" },
	{ OPT_PID, 'p', NULL,
	  "Count the page cache use of this process only (or these: PID,PID...)" },
	{ OPT_CGROUP, 'c', NULL, NULL },
	{ OPT_INTERVAL, 0, NULL, NULL },
	{},
};

static const struct argp_option options[] = {
	{ "sort", 's', "FIELD", 0,
	  "Sort by pid, uid, cmd, hits (the default), misses, dirties, read_hit or write_hit", 0 },
	{ "reverse", OPT_REVERSE, NULL, 0, "Reverse the order (smallest first; cmd: Z to A)", 0 },
	{},
};

static const char doc[] =
	"Show page cache hits and misses per process, in a view like top.\v"
	"Every INTERVAL seconds (default 5, as BCC's), COUNT times or until Ctrl-C, the "
	"processes that used the page cache in that interval: PID UID CMD HITS MISSES "
	"DIRTIES READ_HIT% WRITE_HIT%, sorted (-s), at most -r ROWS; the screen is cleared "
	"first on a terminal unless -C.  The columns are BCC cachetop's arithmetic (see "
	"cachetop(8)); where the kernel has neither fentry nor kprobes, accesses are "
	"estimated from the pages reads ask for and page faults (Linux 6.11+).\n\n"
	"Examples:\n"
	"  cachetop               # refresh every 5 seconds\n"
	"  cachetop 1             # every second\n"
	"  cachetop -s misses     # the most misses first\n"
	"  cachetop -p 185 1 10   # process 185 only, 10 one-second intervals\n"
	"  cachetop --json 1 3    # one JSON object per interval";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	size_t i;

	(void)state;
	switch (key) {
	case 's':
		for (i = 0; i < ARRAY_SIZE(sort_names); i++) {
			if (!strcmp(arg, sort_names[i])) {
				sort_by = i;
				return 0;
			}
		}
		cli_bad_value(
			"-s", arg,
			"expected pid, uid, cmd, hits, misses, dirties, read_hit or write_hit");
		return 0;
	case OPT_REVERSE:
		sort_reverse = true;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

/* An interval's record of a process: the map's key, its value, and the columns. */
struct proc_rec {
	__u32 pid;
	struct proc_stat st;
	struct pc_top top;
};

static void percent(char *buf, size_t size, double v)
{
	snprintf(buf, size, "%.1f%%", v);
}

static void proc_row(struct row *r, const void *rec)
{
	const struct proc_rec *p = rec;
	char rh[16], wh[16];

	percent(rh, sizeof(rh), p->top.read_hit);
	percent(wh, sizeof(wh), p->top.write_hit);
	row_uint(r, "PID", "pid", 8, p->pid);
	row_uint(r, "UID", "uid", 8, p->st.uid);
	row_str(r, "CMD", "cmd", -16, p->st.comm, sizeof(p->st.comm));
	row_uint(r, "HITS", "hits", 8, p->top.hits);
	row_uint(r, "MISSES", "misses", 8, p->top.misses);
	row_uint(r, "DIRTIES", "dirties", 8, p->top.dirties);
	row_str(r, "READ_HIT%", NULL, 10, rh, sizeof(rh));
	row_str(r, "WRITE_HIT%", NULL, 10, wh, sizeof(wh));
	row_double(r, NULL, "read_hit", 0, 1, p->top.read_hit);
	row_double(r, NULL, "write_hit", 0, 1, p->top.write_hit);
	row_uint(r, NULL, "accessed", 0, p->st.n[PC_ACCESSED]);
	row_uint(r, NULL, "added", 0, p->st.n[PC_ADDED]);
	row_uint(r, NULL, "dirtied", 0, p->st.n[PC_DIRTIED]);
	row_uint(r, NULL, "buffers_dirtied", 0, p->st.n[PC_BUF_DIRTIED]);
}

static int cmp_double(double a, double b)
{
	return a < b ? 1 : a > b ? -1 : 0;
}

static int cmp_field(const struct proc_rec *a, const struct proc_rec *b)
{
	switch (sort_by) {
	case S_PID:
		return top_cmp_desc(a->pid, b->pid);
	case S_UID:
		return top_cmp_desc(a->st.uid, b->st.uid);
	case S_CMD:
		return -strncmp(a->st.comm, b->st.comm, sizeof(a->st.comm));
	case S_MISSES:
		return top_cmp_desc(a->top.misses, b->top.misses);
	case S_DIRTIES:
		return top_cmp_desc(a->top.dirties, b->top.dirties);
	case S_READ_HIT:
		return cmp_double(a->top.read_hit, b->top.read_hit);
	case S_WRITE_HIT:
		return cmp_double(a->top.write_hit, b->top.write_hit);
	default:
		return top_cmp_desc(a->top.hits, b->top.hits);
	}
}

/* The chosen field, largest first (names: A to Z) unless --reverse; then by PID. */
static int by_sort(const void *pa, const void *pb)
{
	const struct proc_rec *a = pa, *b = pb;
	int c = cmp_field(a, b);

	if (sort_by == S_CMD)
		c = -c;
	if (sort_reverse)
		c = -c;
	return c ? c : top_cmp_desc(b->pid, a->pid);
}

static struct proc_rec recs[MAX_PROCS];

static int print_interval(void *ctx)
{
	struct cachetop_bpf *skel = ctx;
	int n = hist_drain(bpf_map__fd(skel->maps.procs),
			   &(struct hist_records){
				   .recs = recs,
				   .rec_size = sizeof(recs[0]),
				   .value_off = offsetof(struct proc_rec, st),
				   .max = MAX_PROCS,
			   });
	uint64_t c[PC_COUNTERS];
	int i, j;

	if (n < 0) {
		cli_warn("cannot read the process counts: %s", strerror(-n));
		return -1;
	}
	for (i = 0; i < n; i++) {
		for (j = 0; j < PC_COUNTERS; j++)
			c[j] = recs[i].st.n[j];
		pagecache_top(c, &recs[i].top);
	}
	return top_print(&(struct top_view){
		.row = proc_row,
		.recs = recs,
		.n = n,
		.rec_size = sizeof(recs[0]),
		.cmp = by_sort,
		.rows_key = "processes",
	});
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct cachetop_bpf *skel;
	bool estimated;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	if (gopts.interval == INT_MAX)
		gopts.interval = 5;
	skel = TOOL_OPEN(cachetop_bpf);
	if (!skel)
		return 1;
	if (!pagecache_choose_hooks(skel->obj, &estimated))
		err = tool_run_intervals(&(struct tool_intervals){
			.skel = skel->skeleton,
			.print_interval = print_interval,
			.ctx = skel,
			.lines = true,
		});
	cachetop_bpf__destroy(skel);
	return err;
}

// SPDX-License-Identifier: GPL-2.0
/* biotop: the processes doing the most block I/O, per interval, as a live table. */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "blkreq.h"
#include "blk.h"
#include "hist.h"
#include "tool.h"
#include "top.h"
#include "biotop.h"
#include "biotop.skel.h"

#define MAX_RECS 10240 /* the counts map's entries */

enum sort_by { SORT_ALL, SORT_IO, SORT_BYTES, SORT_TIME };

static struct {
	enum sort_by sort;
} opts;

static const struct opt_pick picks[] = {
	{ OPT_NOCLEAR, 'C', NULL, "Don't clear the screen" },
	{ OPT_MAXROWS, 'r', "rows", "Maximum rows to print, default 20" },
	{ OPT_PID, 'p', NULL, "Only I/O submitted by this process (or these: PID,PID...)" },
	{ OPT_INTERVAL, 0, NULL, NULL },
	{},
};

static const struct argp_option options[] = {
	{ "sort", 's', "SORT", 0, "Sort by all (default), io, bytes or time", 0 },
	{},
};

static const char doc[] =
	"Block device I/O by process: requests, Kbytes and average latency per process,\n"
	"disk and direction, refreshed every interval (1 second by default).\v"
	"Examples:\n"
	"  biotop            # block I/O top, refresh every 1s\n"
	"  biotop 5 10       # 5s summaries, 10 times\n"
	"  biotop -C -r 5    # don't clear the screen, top 5 rows\n"
	"  biotop -s bytes   # sort by Kbytes\n"
	"  biotop -p 181     # only I/O submitted by PID 181\n"
	"  biotop --json 5   # one JSON object every 5 seconds";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	static const char *const names[] = { "all", "io", "bytes", "time" };
	(void)state;
	if (key != 's')
		return ARGP_ERR_UNKNOWN;
	opts.sort = cli_parse_choice("-s", arg, names, ARRAY_SIZE(names));
	return 0;
}

/* A row as hist_drain lays it out: the map's key, then its value. */
struct rec {
	struct io_key key;
	struct io_val val;
};

static struct rec recs[MAX_RECS];

static double avg_ms(const struct io_val *v)
{
	return v->io ? v->ns / 1e6 / v->io : 0;
}

static void io_row(struct row *r, const void *p)
{
	const struct rec *e = p;
	const struct io_key *k = &e->key;
	bool head = r->mode == ROW_HEADER;

	row_uint(r, "PID", "pid", -7, k->pid);
	row_str(r, "COMM", "comm", -16, k->known || head ? k->comm : "?", sizeof(k->comm));
	row_str(r, "D", "rw", 1, head ? "" : k->write ? "W" : "R", 2);
	row_uint(r, "MAJ", "major", -3, BLK_MAJOR(k->dev));
	row_uint(r, "MIN", "minor", -3, BLK_MINOR(k->dev));
	row_str(r, "DISK", "disk", -8, head ? "" : blk_dev_name(k->dev), BLK_NAME_LEN);
	row_uint(r, "I/O", "io", 5, e->val.io);
	row_uint(r, "Kbytes", "kbytes", 7, e->val.bytes / 1024);
	row_uint(r, NULL, "bytes", 0, e->val.bytes);
	row_double(r, "AVGms", "avg_ms", 6, 2, avg_ms(&e->val));
}

/* Largest first; ties by PID, then the rest of the key, so the order is stable. */
static int by_sort(const void *pa, const void *pb)
{
	const struct rec *a = pa, *b = pb;
	int c;

	switch (opts.sort) {
	case SORT_IO:
		c = top_cmp_desc(a->val.io, b->val.io);
		break;
	case SORT_BYTES:
		c = top_cmp_desc(a->val.bytes, b->val.bytes);
		break;
	case SORT_TIME:
		c = top_cmp_desc(a->val.ns, b->val.ns);
		break;
	default:
		/* As upstream: requests, bytes and microseconds added up. */
		c = top_cmp_desc(a->val.io + a->val.bytes + a->val.ns / 1000,
				 b->val.io + b->val.bytes + b->val.ns / 1000);
	}
	return c ? c : memcmp(&a->key, &b->key, sizeof(a->key));
}

static int print_top(void *ctx)
{
	struct biotop_bpf *skel = ctx;
	int n = hist_drain(bpf_map__fd(skel->maps.counts),
			   &(struct hist_records){
				   .recs = recs,
				   .rec_size = sizeof(recs[0]),
				   .value_off = offsetof(struct rec, val),
				   .max = MAX_RECS,
			   });

	if (n < 0) {
		cli_warn("cannot read the I/O counts: %s", strerror(-n));
		return -1;
	}
	return top_print(&(struct top_view){
		.row = io_row,
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
	struct biotop_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	if (gopts.interval == INT_MAX)
		gopts.interval = 1;
	skel = TOOL_OPEN(biotop_bpf);
	if (!skel)
		return 1;
	if (!blkreq_configure(skel->obj, 0, false))
		err = tool_run_intervals(&(struct tool_intervals){
			.skel = skel->skeleton,
			.print_interval = print_top,
			.ctx = skel,
			.lines = true,
		});
	biotop_bpf__destroy(skel);
	return err;
}

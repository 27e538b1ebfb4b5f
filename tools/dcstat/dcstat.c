// SPDX-License-Identifier: GPL-2.0
/* dcstat: dcache lookups, slow lookups and misses per second, and the hit ratio. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>

#include "hist.h"
#include "kfuncs.h"
#include "output.h"
#include "probe.h"
#include "row.h"
#include "tool.h"
#include "dcstat.h"
#include "dcstat.skel.h"

static const struct opt_pick picks[] = {
	{ OPT_INTERVAL, 0, NULL, NULL },
	{},
};

static const char doc[] =
	"Count dcache (directory entry cache) lookups per second.\v"
	"Every INTERVAL seconds (default 1), COUNT times or until Ctrl-C, a line: "
	"REFS/s path components looked up in the dcache (lookup_fast), SLOW/s the "
	"slower locked lookups (d_lookup), MISS/s those that found nothing, HIT% "
	"the share of references that did not miss.  Needs fentry or kprobes: "
	"no tracepoint marks these lookups (see dcstat(8)).\n\n"
	"Examples:\n"
	"  dcstat                 # a line per second\n"
	"  dcstat 5 3             # 5 second averages, 3 lines\n"
	"  dcstat --json          # one JSON object per second";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)key;
	(void)arg;
	(void)state;
	return ARGP_ERR_UNKNOWN;
}

static const struct {
	const char *head;
	const char *key;
	const char *rate_key;
} columns[DC_MAX] = {
	[DC_REFS] = { "REFS/s", "refs", "refs_per_sec" },
	[DC_SLOW] = { "SLOW/s", "slow", "slow_per_sec" },
	[DC_MISS] = { "MISS/s", "miss", "miss_per_sec" },
};

/* The share of references that did not miss; 0 without references (as BCC). */
static double hit_pct(const uint64_t *n)
{
	if (!n[DC_REFS] || n[DC_MISS] > n[DC_REFS])
		return 0;
	return 100.0 * (double)(n[DC_REFS] - n[DC_MISS]) / (double)n[DC_REFS];
}

/* Text: the rates; JSON: the rates, the counts and the interval's length. */
static void stats_row(struct row *r, const void *rec)
{
	const uint64_t *n = rec;
	char hms[16] = "";
	int i;

	if (r->mode == ROW_TEXT)
		strcat(time_hms(hms, sizeof(hms) - 1), ":");
	row_str(r, "TIME", NULL, -10, hms, sizeof(hms));
	row_hms(r, NULL);
	row_double(r, NULL, "secs", 0, 3, tool_interval_secs());
	for (i = 0; i < DC_MAX; i++) {
		row_uint(r, columns[i].head, columns[i].rate_key, 8, tool_interval_rate(n[i]));
		row_uint(r, NULL, columns[i].key, 0, n[i]);
	}
	row_double(r, "HIT%", "hit_pct", 8, 2, hit_pct(n));
}

static void print_header(void *ctx)
{
	(void)ctx;
	row_print_header(stats_row, (uint64_t[DC_MAX]){});
}

/* The counters are per CPU and never cleared: an interval is their growth. */
static int print_interval(void *ctx)
{
	struct dcstat_bpf *skel = ctx;
	static uint64_t prev[DC_MAX];
	uint64_t n[DC_MAX];
	int err;

	err = hist_read_percpu_delta(bpf_map__fd(skel->maps.counts), sizeof(struct dc_counts), n,
				     prev, DC_MAX);
	if (err) {
		cli_warn("cannot read the counts: %s", strerror(-err));
		return -1;
	}
	row_print(stats_row, n);
	return 0;
}

/*
 * lookup_fast() and d_lookup() through fentry/fexit, else kprobes (d_lookup's
 * result then needs its kretprobe too).
 */
static int choose_hooks(struct dcstat_bpf *skel)
{
	struct bpf_program *fast[] = { skel->progs.lookup_fast_fentry,
				       skel->progs.lookup_fast_kprobe };
	struct bpf_program *slow[] = { skel->progs.d_lookup_fexit, skel->progs.d_lookup_kprobe };
	struct bpf_program *ret = skel->progs.d_lookup_kretprobe;
	int k;

	if (kfunc_choose("dcache lookups", fast, ARRAY_SIZE(fast)) < 0)
		return -1;
	k = kfunc_choose("dcache lookups", slow, ARRAY_SIZE(slow));
	if (k < 0)
		return -1;
	if (slow[k] != skel->progs.d_lookup_kprobe) {
		bpf_program__set_autoload(ret, false);
		return 0;
	}
	return hook_choose("the return of d_lookup", &ret, 1) < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { NULL, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct dcstat_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	if (gopts.interval == INT_MAX)
		gopts.interval = 1;
	skel = TOOL_OPEN(dcstat_bpf);
	if (!skel)
		return 1;
	if (!choose_hooks(skel))
		err = tool_run_intervals(&(struct tool_intervals){
			.skel = skel->skeleton,
			.print_interval = print_interval,
			.ctx = skel,
			.lines = true,
			.print_header = print_header,
		});
	dcstat_bpf__destroy(skel);
	return err;
}

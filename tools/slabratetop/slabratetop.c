// SPDX-License-Identifier: GPL-2.0
/* slabratetop: kmem cache allocations per interval, a top view by cache. */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <bpf/bpf.h>

#include "hist.h"
#include "output.h"
#include "probe.h"
#include "row.h"
#include "tool.h"
#include "top.h"
#include "slabratetop.h"
#include "slabratetop.skel.h"

enum sort_by { SORT_SIZE, SORT_COUNT, SORT_NAME };

static enum sort_by sort_by = SORT_SIZE;

enum { OPT_MAXROWS_ALIAS = 0x100 };

static const struct opt_pick picks[] = {
	{ OPT_NOCLEAR, 'C', NULL, "Don't clear the screen" },
	{ OPT_MAXROWS, 'r', "rows", "Maximum rows to print, default 20" },
	{ OPT_PID, 'p', NULL, "Count the allocations of this process only (or these: PID,PID...)" },
	{ OPT_CGROUP, 'c', NULL,
	  "Count the allocations of tasks in this cgroup (v2 directory) only" },
	{ OPT_INTERVAL, 0, NULL, NULL },
	{},
};

static const struct argp_option options[] = {
	{ "sort", 's', "SORT", 0, "Sort by size (bytes, the default), count or name", 0 },
	{ "maxrows", OPT_MAXROWS_ALIAS, "ROWS", 0, "Same as -r (BCC's name)", 0 },
	{},
};

static const char doc[] =
	"Count the allocations from each kernel slab (kmem) cache: a top view by cache.\v"
	"Every INTERVAL seconds (default 1), COUNT times or until Ctrl-C, the caches "
	"allocated from in that interval: CACHE ALLOCS BYTES, the most bytes first, at "
	"most -r ROWS; the screen is cleared first on a terminal unless -C.  Ctrl-C prints "
	"the interval it cut short.  Allocations are counted in the task that was running, "
	"which for interrupts is whichever task they interrupted.\n\n"
	"Examples:\n"
	"  slabratetop            # slab rate top, refresh every 1s\n"
	"  slabratetop -p 181     # allocations of process 181 only\n"
	"  slabratetop -s count   # the most allocations first\n"
	"  slabratetop -r 100     # print 100 rows\n"
	"  slabratetop -C 5 10    # 5s summaries, 10 times, without clearing the screen\n"
	"  slabratetop --json 1 3 # one JSON object per interval";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	switch (key) {
	case 's':
		if (!strcmp(arg, "size"))
			sort_by = SORT_SIZE;
		else if (!strcmp(arg, "count"))
			sort_by = SORT_COUNT;
		else if (!strcmp(arg, "name"))
			sort_by = SORT_NAME;
		else
			cli_bad_value("-s", arg, "expected size, count or name");
		return 0;
	case OPT_MAXROWS_ALIAS:
		gopts.maxrows = cli_parse_long("--maxrows", arg, 1, INT_MAX);
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

/* An interval's record of a cache: the map's key, then its value. */
struct cache_rec {
	__u64 id;
	struct cache_stat st;
};

static void cache_row(struct row *r, const void *rec)
{
	const struct cache_stat *s = &((const struct cache_rec *)rec)->st;

	row_str(r, "CACHE", "cache", -32, s->name, sizeof(s->name));
	row_uint(r, "ALLOCS", "allocs", 6, s->allocs);
	row_uint(r, "BYTES", "bytes", 10, s->bytes);
}

static int cmp_name(const struct cache_stat *a, const struct cache_stat *b)
{
	int c = strncasecmp(a->name, b->name, sizeof(a->name));

	return c ? c : strncmp(a->name, b->name, sizeof(a->name));
}

/* The chosen column first, then the others, so equal rows keep a stable order. */
static int by_sort(const void *pa, const void *pb)
{
	const struct cache_stat *a = &((const struct cache_rec *)pa)->st;
	const struct cache_stat *b = &((const struct cache_rec *)pb)->st;
	int c;

	switch (sort_by) {
	case SORT_NAME:
		return cmp_name(a, b);
	case SORT_COUNT:
		c = top_cmp_desc(a->allocs, b->allocs);
		break;
	default:
		c = top_cmp_desc(a->bytes, b->bytes);
		break;
	}
	return c ? c : cmp_name(a, b);
}

static struct cache_rec recs[MAX_CACHES];

static int print_interval(void *ctx)
{
	struct slabratetop_bpf *skel = ctx;
	int n = hist_drain(bpf_map__fd(skel->maps.caches),
			   &(struct hist_records){
				   .recs = recs,
				   .rec_size = sizeof(recs[0]),
				   .value_off = offsetof(struct cache_rec, st),
				   .max = MAX_CACHES,
			   });

	if (n < 0) {
		cli_warn("cannot read the cache counts: %s", strerror(-n));
		return -1;
	}
	return top_print(&(struct top_view){
		.row = cache_row,
		.recs = recs,
		.n = n,
		.rec_size = sizeof(recs[0]),
		.cmp = by_sort,
		.rows_key = "caches",
	});
}

/*
 * kmem:kmem_cache_alloc passes the cache from Linux 6.1 (before, the event is
 * of the kmem_alloc class, without it); its classic form names the cache in
 * newer kernels (6.18 does, 6.12 does not).  Without the tracepoint, the
 * allocation functions: the plain one is needed, the _lru and _node variants
 * are taken where present.
 */
static int choose_hooks(struct slabratetop_bpf *skel)
{
	struct bpf_program *funcs[][4] = {
		{ skel->progs.kmem_cache_alloc_noprof_fentry, skel->progs.kmem_cache_alloc_fentry,
		  skel->progs.kmem_cache_alloc_noprof_kprobe, skel->progs.kmem_cache_alloc_kprobe },
		{ skel->progs.kmem_cache_alloc_lru_noprof_fentry,
		  skel->progs.kmem_cache_alloc_lru_fentry,
		  skel->progs.kmem_cache_alloc_lru_noprof_kprobe,
		  skel->progs.kmem_cache_alloc_lru_kprobe },
		{ skel->progs.kmem_cache_alloc_node_noprof_fentry,
		  skel->progs.kmem_cache_alloc_node_fentry,
		  skel->progs.kmem_cache_alloc_node_noprof_kprobe,
		  skel->progs.kmem_cache_alloc_node_kprobe },
	};
	bool with_cache = probe_btf_type("trace_event_raw_kmem_cache_alloc");
	bool with_name = probe_btf_field("trace_event_raw_kmem_cache_alloc", "__data_loc_name");
	struct bpf_program *first[7];
	size_t n = 0, i, j;
	int k;

	bpf_program__set_autoload(skel->progs.kmem_cache_alloc_btf, with_cache);
	bpf_program__set_autoload(skel->progs.kmem_cache_alloc_raw, with_cache);
	bpf_program__set_autoload(skel->progs.kmem_cache_alloc_tp, with_name);
	if (with_cache) {
		first[n++] = skel->progs.kmem_cache_alloc_btf;
		first[n++] = skel->progs.kmem_cache_alloc_raw;
	}
	if (with_name)
		first[n++] = skel->progs.kmem_cache_alloc_tp;
	for (i = 0; i < ARRAY_SIZE(funcs[0]); i++)
		first[n++] = funcs[0][i];
	k = hook_choose(
		with_cache ? "kmem_cache_alloc"
			   : "kmem_cache_alloc (its tracepoint passes no cache before Linux 6.1)",
		first, n);
	if (k < 0)
		return -1;
	for (i = 1; i < ARRAY_SIZE(funcs); i++) {
		if (hook_kind_of(first[k]) > HOOK_TRACEPOINT)
			hook_choose_optional(funcs[i], ARRAY_SIZE(funcs[i]));
		else
			for (j = 0; j < ARRAY_SIZE(funcs[i]); j++)
				bpf_program__set_autoload(funcs[i][j], false);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct slabratetop_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	if (gopts.interval == INT_MAX)
		gopts.interval = 1;
	skel = TOOL_OPEN(slabratetop_bpf);
	if (!skel)
		return 1;
	if (!choose_hooks(skel))
		err = tool_run_intervals(&(struct tool_intervals){
			.skel = skel->skeleton,
			.print_interval = print_interval,
			.ctx = skel,
			.lines = true,
		});
	slabratetop_bpf__destroy(skel);
	return err;
}

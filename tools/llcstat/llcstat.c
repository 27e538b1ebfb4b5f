// SPDX-License-Identifier: GPL-2.0
/* llcstat: summarize last-level cache references and misses by process (or thread) and CPU. */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <linux/perf_event.h>
#include <bpf/bpf.h>

#include "hist.h"
#include "output.h"
#include "pmu.h"
#include "tool.h"
#include "llcstat.h"
#include "llcstat.skel.h"

static struct {
	__u64 period;
	bool per_thread;
} opts = { .period = 100 };

static const struct opt_pick picks[] = {
	{ OPT_DURATION, 0, NULL, NULL }, /* the positional [DURATION], as BCC's */
	{ OPT_DURATION, 'd', NULL, "Run for this many seconds (default 10)" },
	{},
};

static const struct argp_option options[] = {
	{ "sample_period", 'c', "SAMPLE_PERIOD", 0,
	  "Sample one in this many cache reference / miss events (default 100)", 0 },
	{ "tid", 't', NULL, 0, "Summarize cache references and misses by PID/TID", 0 },
	{},
};

static const char doc[] =
	"Summarize cache references and misses by PID.\v"
	"The CPU's PMU counts last-level cache references and misses; one in SAMPLE_PERIOD "
	"of each is sampled and charged, SAMPLE_PERIOD times, to the task running.  "
	"Prints the summary after DURATION seconds (default 10) or at Ctrl-C.  Needs a "
	"hardware PMU: in a VM, one the hypervisor exposes.\n\n"
	"Examples:\n"
	"  llcstat              # summarize for 10 seconds\n"
	"  llcstat 20           # for 20 seconds\n"
	"  llcstat -c 500       # sample one in 500 events\n"
	"  llcstat -t           # per thread\n"
	"  llcstat --json 5     # a JSON object per row, then the totals";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	switch (key) {
	case 'c':
		opts.period = cli_parse_long("-c", arg, 1, LONG_MAX);
		return 0;
	case 't':
		opts.per_thread = true;
		return 0;
	case ARGP_KEY_END:
		if (!gopts.duration)
			gopts.duration = 10;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

/* A map entry: the key, then the value at an aligned offset (hist_drain's layout). */
struct rec {
	struct llc_key key;
	__u32 pad;
	struct llc_value v;
};

static double hit_pct(__u64 ref, __u64 miss)
{
	return ref ? 100.0 * (ref > miss ? ref - miss : 0) / ref : 0;
}

static void hit_col(struct row *r, double pct)
{
	row_double(r, NULL, "hit_percent", 0, 2, pct);
	if (row_text_col(r, "HIT%", 7))
		fprintf(r->f, "%6.2f%%", pct);
}

static void llc_row(struct row *r, const void *p)
{
	const struct rec *rec = p;

	row_uint(r, "PID", "pid", -8, rec->key.pid);
	row_uint(r, opts.per_thread ? "TID" : NULL, opts.per_thread ? "tid" : NULL, -8,
		 rec->key.tid);
	row_str(r, "NAME", "comm", -16, rec->v.comm, sizeof(rec->v.comm));
	row_uint(r, "CPU", "cpu", -4, rec->key.cpu);
	row_uint(r, "REFERENCE", "reference", 12, rec->v.ref);
	row_uint(r, "MISS", "miss", 12, rec->v.miss);
	hit_col(r, hit_pct(rec->v.ref, rec->v.miss));
}

static void print_totals(__u64 ref, __u64 miss)
{
	struct json j;

	if (!common_opts.json) {
		printf("Total References: %llu Total Misses: %llu Hit Rate: %.2f%%\n",
		       (unsigned long long)ref, (unsigned long long)miss, hit_pct(ref, miss));
		return;
	}
	json_begin(&j, stdout);
	json_obj_begin(&j, "total");
	json_uint(&j, "reference", ref);
	json_uint(&j, "miss", miss);
	json_double(&j, "hit_percent", hit_pct(ref, miss));
	json_obj_end(&j);
	json_end(&j);
}

struct run {
	struct llcstat_bpf *skel;
	struct pmu_sampler *miss, *ref;
};

/* Rows by pid, tid, then CPU (hist_drain's order of a key of __u32s). */
static int print_summary(void *ctx)
{
	struct run *run = ctx;
	struct rec *recs = calloc(MAX_ENTRIES, sizeof(*recs));
	__u64 ref = 0, miss = 0;
	int n, i;

	if (!recs) {
		cli_warn("out of memory");
		return -1;
	}
	n = hist_drain(bpf_map__fd(run->skel->maps.counts),
		       &(struct hist_records){ .recs = recs,
					       .rec_size = sizeof(*recs),
					       .value_off = offsetof(struct rec, v),
					       .max = MAX_ENTRIES });
	if (n < 0)
		cli_warn("cannot read the counts: %s", strerror(-n));
	row_print_header(llc_row, &(struct rec){});
	for (i = 0; i < n; i++) {
		row_print(llc_row, &recs[i]);
		ref += recs[i].v.ref;
		miss += recs[i].v.miss;
	}
	print_totals(ref, miss);
	free(recs);
	return n < 0 ? -1 : 0;
}

static int attach_samplers(void *ctx)
{
	struct run *run = ctx;

	run->miss = pmu_sampler_attach(run->skel->progs.on_cache_miss, PERF_COUNT_HW_CACHE_MISSES,
				       opts.period);
	if (!run->miss)
		return -1;
	run->ref = pmu_sampler_attach(run->skel->progs.on_cache_ref, PERF_COUNT_HW_CACHE_REFERENCES,
				      opts.period);
	return run->ref ? 0 : -1;
}

/* Stop counting first, so the summary is of a still picture. */
static void stop_samplers(void *ctx)
{
	struct run *run = ctx;

	pmu_sampler_stop(run->miss);
	pmu_sampler_stop(run->ref);
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	static char banner[96];
	struct run run = {};
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	run.skel = TOOL_OPEN(llcstat_bpf);
	if (!run.skel || pmu_check(PERF_COUNT_HW_CACHE_MISSES) ||
	    pmu_check(PERF_COUNT_HW_CACHE_REFERENCES))
		goto out;
	run.skel->rodata->per_thread = opts.per_thread;
	snprintf(banner, sizeof(banner), "Running for %d seconds or Hit Ctrl-C to end.",
		 gopts.duration);
	err = tool_run_events(&(struct tool_events){
		.skel = run.skel->skeleton,
		.ctx = &run,
		.banner = banner,
		.print_header = NULL,
		.print_summary = print_summary,
		.attach = attach_samplers,
		.stop = stop_samplers,
	});
out:
	pmu_sampler_free(run.miss);
	pmu_sampler_free(run.ref);
	llcstat_bpf__destroy(run.skel);
	return err;
}

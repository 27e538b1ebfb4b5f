// SPDX-License-Identifier: GPL-2.0
/* softirqs: summarize the time spent in each softirq vector (and how often it ran). */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>

#include "hist.h"
#include "irqs.h"
#include "output.h"
#include "probe.h"
#include "row.h"
#include "tool.h"
#include "softirqs.h"
#include "softirqs.skel.h"

static struct {
	bool count;
	bool dist;
	bool nsecs;
	int cpu;
} opts = { .cpu = -1 };

static const struct opt_pick picks[] = {
	{ OPT_TIME, 'T', "timestamp", "Include timestamp on output" },
	{ OPT_INTERVAL, 0, NULL, NULL },
	{},
};

static const struct argp_option options[] = {
	{ "distributed", 'd', NULL, 0, "Show distributions as histograms", 0 },
	{ "nanoseconds", 'N', NULL, 0, "Output in nanoseconds", 0 },
	{ "count", 'C', NULL, 0, "Show event counts with timing", 0 },
	{ "cpu", 'c', "CPU", 0, "Trace this cpu only", 0 },
	{},
};

static const char doc[] =
	"Summarize soft irq event time as histograms: the time spent in each softirq "
	"vector (net_rx, timer, ...).\v"
	"Without INTERVAL, one summary is printed at Ctrl-C.  With INTERVAL (seconds), "
	"one per interval, COUNT times or until Ctrl-C.\n\n"
	"Examples:\n"
	"  softirqs               # sum soft irq event time\n"
	"  softirqs -d            # show soft irq event time as histograms\n"
	"  softirqs -C 1 10       # with event counts, 1 second summaries, 10 times\n"
	"  softirqs -c 1          # soft irqs run on CPU 1 only\n"
	"  softirqs -NT 1         # 1s summaries, nanoseconds, and timestamps\n"
	"  softirqs --json 1      # one JSON object per second";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	switch (key) {
	case 'C':
		opts.count = true;
		return 0;
	case 'd':
		opts.dist = true;
		return 0;
	case 'N':
		opts.nsecs = true;
		return 0;
	case 'c':
		opts.cpu = irqs_parse_cpu("-c", arg);
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

/* One vector's interval. */
struct vec_rec {
	unsigned int vec;
	uint64_t count;
	uint64_t ns;
	uint64_t slots[MAX_SLOTS];
};

static struct vec_rec recs[NR_VECS];

static const char *unit(void)
{
	return opts.nsecs ? "nsecs" : "usecs";
}

static uint64_t total(const struct vec_rec *v)
{
	return opts.nsecs ? v->ns : v->ns / 1000;
}

static void vec_row(struct row *r, const void *rec)
{
	const struct vec_rec *v = rec;
	const char *name = softirq_name(v->vec);
	char head[16];

	row_str(r, "SOFTIRQ", "softirq", -16, name, name ? strlen(name) : 0);
	snprintf(head, sizeof(head), "TOTAL_%s", unit());
	row_uint(r, head, "total", 11, total(v));
	row_uint(r, opts.count ? "TOTAL_count" : NULL, "count", 12, v->count);
}

static void text_label(FILE *f, const void *rec)
{
	fprintf(f, "softirq = %s\n", softirq_name(((const struct vec_rec *)rec)->vec));
}

static void json_label(struct json *j, const void *rec)
{
	const struct vec_rec *v = rec;

	json_str(j, "softirq", softirq_name(v->vec));
	json_uint(j, "count", v->count);
	json_uint(j, "total", total(v));
}

/* JSON: {"time":"HH:MM:SS","ts":S,"unit":U,"softirqs":[{row}, ...]} */
static void print_json(int n)
{
	struct json j;
	char hms[16];
	int i;

	json_begin(&j, stdout);
	json_str(&j, "time", time_hms(hms, sizeof(hms)));
	json_double(&j, "ts", secs_since_start(mono_ns()));
	json_str(&j, "unit", unit());
	json_arr_begin(&j, "softirqs");
	for (i = 0; i < n; i++)
		row_json_element(&j, NULL, vec_row, &recs[i]);
	json_arr_end(&j);
	json_end(&j);
}

/* The vectors that ran this interval, in vector order; <0: -errno. */
static int read_vecs(struct softirqs_bpf *skel)
{
	static uint64_t words[STATS_WORDS], prev[STATS_WORDS];
	const struct softirq_stats *st = (const void *)words;
	int err, vec, n = 0;

	err = hist_read_percpu_delta(bpf_map__fd(skel->maps.stats), sizeof(struct softirq_stats),
				     words, prev, STATS_WORDS);
	if (err)
		return err;
	for (vec = 0; vec < NR_VECS; vec++) {
		if (!st->count[vec])
			continue;
		recs[n] =
			(struct vec_rec){ .vec = vec, .count = st->count[vec], .ns = st->ns[vec] };
		memcpy(recs[n].slots, st->slots[vec], sizeof(recs[n].slots));
		n++;
	}
	return n;
}

static int print_interval(void *ctx)
{
	int i, n = read_vecs(ctx);

	if (n < 0) {
		cli_warn("cannot read the softirq counts: %s", strerror(-n));
		return n;
	}
	if (opts.dist) {
		hist_print_sections(&(struct hist_sections){
			.recs = recs,
			.n = n,
			.rec_size = sizeof(recs[0]),
			.slots_off = offsetof(struct vec_rec, slots),
			.nslots = MAX_SLOTS,
			.unit = unit(),
			.text_label = text_label,
			.json_label = json_label,
		});
		return 0;
	}
	if (common_opts.json) {
		print_json(n);
		return 0;
	}
	row_print_header(vec_row, &(struct vec_rec){});
	for (i = 0; i < n; i++)
		row_print(vec_row, &recs[i]);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct softirqs_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(softirqs_bpf);
	if (!skel)
		return 1;
	skel->rodata->dist = opts.dist;
	skel->rodata->in_ns = opts.nsecs;
	skel->rodata->targ_cpu = opts.cpu;
	/* softirq_entry and _exit: tp_btf, else raw_tp, else the classic tracepoints */
	if (!hook_choose_each(skel->obj, NULL))
		err = tool_run_intervals(&(struct tool_intervals){
			.skel = skel->skeleton,
			.banner = "Tracing soft irq event time... Hit Ctrl-C to end.",
			.print_interval = print_interval,
			.ctx = skel,
		});
	softirqs_bpf__destroy(skel);
	return err;
}

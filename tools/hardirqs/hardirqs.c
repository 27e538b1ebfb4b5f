// SPDX-License-Identifier: GPL-2.0
/* hardirqs: summarize hard interrupt handler time (or counts), per handler. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "hist.h"
#include "irqs.h"
#include "output.h"
#include "probe.h"
#include "row.h"
#include "tool.h"
#include "hardirqs.h"
#include "hardirqs.skel.h"

static struct {
	bool count;
	bool dist;
	bool nsecs;
	int cpu;
} opts = { .cpu = -1 };

static const struct opt_pick picks[] = {
	{ OPT_TIME, 'T', "timestamp", "Include timestamp on output" },
	{ OPT_CGROUP, 'c', NULL,
	  "Count interrupts arriving while a task of this cgroup (v2) runs" },
	{ OPT_INTERVAL, 0, NULL, NULL },
	{},
};

static const struct argp_option options[] = {
	{ "count", 'C', NULL, 0, "Show event counts instead of timing", 0 },
	{ "distributed", 'd', NULL, 0, "Show distributions as histograms", 0 },
	{ "nanoseconds", 'N', NULL, 0, "Output in nanoseconds", 0 },
	{ "cpu", 's', "CPU", 0, "Only count interrupts handled on this CPU", 0 },
	{},
};

static const char doc[] =
	"Summarize hard irq event time as histograms: the time spent in each interrupt "
	"handler, by handler name.\v"
	"Without INTERVAL, one summary is printed at Ctrl-C.  With INTERVAL (seconds), "
	"one per interval, COUNT times or until Ctrl-C.  Rows are sorted by time (by "
	"count with -C), largest first.\n\n"
	"Examples:\n"
	"  hardirqs               # sum hard irq event time\n"
	"  hardirqs -d            # show hard irq event time as histograms\n"
	"  hardirqs -C 1 10       # event counts, 1 second summaries, 10 times\n"
	"  hardirqs -NT 1         # 1s summaries, nanoseconds, and timestamps\n"
	"  hardirqs --cpu 1       # interrupts handled on CPU 1 only\n"
	"  hardirqs -c /sys/fs/cgroup/system.slice  # interrupting that cgroup's tasks\n"
	"  hardirqs --json 1      # one JSON object per second";

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
	case 's':
		opts.cpu = irqs_parse_cpu("--cpu", arg);
		return 0;
	case ARGP_KEY_END:
		if (opts.count && opts.dist)
			cli_usage_error(
				"-C and -d cannot be combined (-d counts in its histograms)");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

/* An interval's record: the map's key, then its value. */
struct irq_rec {
	struct irq_name key;
	struct irq_stats info;
};

static struct irq_rec recs[MAX_IRQS];

static const char *unit(void)
{
	return opts.nsecs ? "nsecs" : "usecs";
}

static void irq_row(struct row *r, const void *rec)
{
	const struct irq_rec *e = rec;
	char head[16];

	row_str(r, "HARDIRQ", "hardirq", -26, e->key.name, sizeof(e->key.name));
	if (opts.count) {
		row_uint(r, "TOTAL_count", "count", 11, e->info.count);
		return;
	}
	snprintf(head, sizeof(head), "TOTAL_%s", unit());
	row_uint(r, head, "total", 11, opts.nsecs ? e->info.ns : e->info.ns / 1000);
	row_uint(r, NULL, "count", 0, e->info.count);
}

/* Most first: time, or count with -C; then by name. */
static int cmp_recs(const void *a, const void *b)
{
	const struct irq_rec *x = a, *y = b;
	__u64 kx = opts.count ? x->info.count : x->info.ns;
	__u64 ky = opts.count ? y->info.count : y->info.ns;

	if (kx != ky)
		return kx < ky ? 1 : -1;
	return strncmp(x->key.name, y->key.name, sizeof(x->key.name));
}

static void text_label(FILE *f, const void *rec)
{
	const struct irq_rec *e = rec;

	fputs("hardirq = ", f);
	print_escaped(f, e->key.name, strnlen(e->key.name, sizeof(e->key.name)));
	fputc('\n', f);
}

static void json_label(struct json *j, const void *rec)
{
	const struct irq_rec *e = rec;

	json_strn(j, "hardirq", e->key.name, sizeof(e->key.name));
	json_uint(j, "count", e->info.count);
	json_uint(j, "total", opts.nsecs ? e->info.ns : e->info.ns / 1000);
}

/* JSON: {"time":"HH:MM:SS","ts":S,"unit":U,"hardirqs":[{row}, ...]} */
static void print_json(int n)
{
	struct json j;
	char hms[16];
	int i;

	json_begin(&j, stdout);
	json_str(&j, "time", time_hms(hms, sizeof(hms)));
	json_double(&j, "ts", secs_since_start(mono_ns()));
	if (!opts.count)
		json_str(&j, "unit", unit());
	json_arr_begin(&j, "hardirqs");
	for (i = 0; i < n; i++)
		row_json_element(&j, NULL, irq_row, &recs[i]);
	json_arr_end(&j);
	json_end(&j);
}

static int print_interval(void *ctx)
{
	struct hardirqs_bpf *skel = ctx;
	int i, n;

	n = hist_drain(bpf_map__fd(skel->maps.infos),
		       &(struct hist_records){
			       .recs = recs,
			       .rec_size = sizeof(recs[0]),
			       .value_off = offsetof(struct irq_rec, info),
			       .max = MAX_IRQS,
			       .cmp = cmp_recs,
		       });
	if (n < 0) {
		cli_warn("cannot read the interrupt counts: %s", strerror(-n));
		return n;
	}
	if (opts.dist) {
		hist_print_sections(&(struct hist_sections){
			.recs = recs,
			.n = n,
			.rec_size = sizeof(recs[0]),
			.slots_off = offsetof(struct irq_rec, info.slots),
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
	row_print_header(irq_row, &(struct irq_rec){});
	for (i = 0; i < n; i++)
		row_print(irq_row, &recs[i]);
	return 0;
}

static int configure(struct hardirqs_bpf *skel)
{
	skel->rodata->count_only = opts.count;
	skel->rodata->dist = opts.dist;
	skel->rodata->in_ns = opts.nsecs;
	skel->rodata->targ_cpu = opts.cpu;
	/* -C counts at the entry alone. */
	if (opts.count) {
		bpf_program__set_autoload(skel->progs.irq_handler_exit_btf, false);
		bpf_program__set_autoload(skel->progs.irq_handler_exit_raw, false);
		bpf_program__set_autoload(skel->progs.irq_handler_exit_tp, false);
	}
	/* irq_handler_entry and _exit: tp_btf, else raw_tp, else the classic tracepoints */
	if (hook_choose_each(skel->obj, NULL))
		return -1;
	skel->rodata->stash_name =
		!opts.count && bpf_program__autoload(skel->progs.irq_handler_exit_tp);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct hardirqs_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(hardirqs_bpf);
	if (!skel)
		return 1;
	if (!configure(skel))
		err = tool_run_intervals(&(struct tool_intervals){
			.skel = skel->skeleton,
			.banner = opts.count ? "Tracing hard irq events... Hit Ctrl-C to end."
					     : "Tracing hard irq event time... Hit Ctrl-C to end.",
			.print_interval = print_interval,
			.ctx = skel,
		});
	hardirqs_bpf__destroy(skel);
	return err;
}

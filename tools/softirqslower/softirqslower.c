// SPDX-License-Identifier: GPL-2.0
/* softirqslower: trace softirqs that waited or ran longer than a threshold. */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "irqs.h"
#include "probe.h"
#include "row.h"
#include "tool.h"
#include "softirqslower.h"
#include "softirqslower.skel.h"

static struct {
	unsigned long long min_us;
	int cpu;
	int nargs;
} opts = { .min_us = 10000, .cpu = -1 };

static const struct argp_option options[] = {
	{ "cpu", 'c', "CPU", 0, "Trace this CPU only", 0 },
	{},
};

static const char doc[] =
	"Trace slow soft IRQ (interrupt): softirqs that waited at least MIN_US "
	"microseconds from being raised to running (\"irq(hard) to softirq\"), or ran "
	"that long (\"softirq runtime\").\v"
	"MIN_US defaults to 10000 (10 ms); 0 traces every softirq.\n\n"
	"Examples:\n"
	"  softirqslower          # trace softirq latency higher than 10000 us (default)\n"
	"  softirqslower 100000   # trace softirq latency higher than 100000 us\n"
	"  softirqslower -c 1     # trace softirq latency on CPU 1 only\n"
	"  softirqslower --json 500  # one JSON object per softirq of 500 us or more";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	switch (key) {
	case 'c':
		opts.cpu = irqs_parse_cpu("-c", arg);
		return 0;
	case ARGP_KEY_ARG:
		if (opts.nargs++)
			cli_usage_error("unexpected argument '%s'", cli_shown(arg));
		/* Microseconds that fit in the kernel side's nanoseconds. */
		opts.min_us = cli_parse_long("min_us", arg, 0, LONG_MAX / 1000);
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static void stage_cols(struct row *r, __u32 stage)
{
	static const char *const text[] = {
		[STAGE_RAISE] = "irq(hard) to softirq",
		[STAGE_RUN] = "softirq runtime",
	};
	static const char *const key[] = {
		[STAGE_RAISE] = "raise_to_entry",
		[STAGE_RUN] = "runtime",
	};
	const char *t = stage <= STAGE_RUN ? text[stage] : "unknown";
	const char *k = stage <= STAGE_RUN ? key[stage] : "unknown";

	row_str(r, "STAGE", NULL, -20, t, strlen(t));
	row_str(r, NULL, "stage", 0, k, strlen(k));
}

static void slow_row(struct row *r, const void *rec)
{
	const struct slow_event *e = rec;
	const char *name = softirq_name(e->vec);

	row_hms(r, "TIME");
	stage_cols(r, e->stage);
	row_str(r, "SOFTIRQ", "softirq", -8, name ? name : "unknown", name ? strlen(name) : 7);
	row_uint(r, "LAT(us)", "lat_us", -14, e->lat_ns / 1000);
	row_uint(r, NULL, "lat_ns", 0, e->lat_ns);
	row_uint(r, "CPU", "cpu", -6, e->cpu);
	row_str(r, "COMM", "comm", 0, e->comm, sizeof(e->comm));
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, "[MIN_US]", doc, NULL, NULL, NULL };
	static const struct opt_pick picks[] = { {} };
	struct softirqslower_bpf *skel;
	char banner[96];
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(softirqslower_bpf);
	if (!skel)
		return 1;
	skel->rodata->min_ns = opts.min_us * 1000;
	skel->rodata->targ_cpu = opts.cpu;
	snprintf(banner, sizeof(banner),
		 "Tracing softirq latency higher than %llu us... Hit Ctrl-C to end.", opts.min_us);
	/* softirq_raise, _entry, _exit: tp_btf, else raw_tp, else the classic tracepoints */
	if (!hook_choose_each(skel->obj, NULL))
		err = tool_run_events(&(struct tool_events){
			.skel = skel->skeleton,
			.row = slow_row,
			.rec_size = sizeof(struct slow_event),
			.rec_min = sizeof(struct slow_event),
			.banner = banner,
		});
	softirqslower_bpf__destroy(skel);
	return err;
}

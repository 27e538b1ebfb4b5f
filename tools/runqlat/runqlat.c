// SPDX-License-Identifier: GPL-2.0
/* runqlat: summarize run queue (scheduler) latency as histograms. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "hist.h"
#include "output.h"
#include "probe.h"
#include "tool.h"
#include "runqlat.h"
#include "runqlat.skel.h"

static struct {
	bool msecs;
	bool pidnss;
} opts;

enum { OPT_PIDNSS = 0x100 };

static const struct opt_pick picks[] = {
	{ OPT_TIME, 'T', "timestamp", "Include a timestamp (HH:MM:SS) with each output" },
	{ OPT_PER_PID, 'P', NULL, "Print a histogram per process ID" },
	{ OPT_PER_TID, 'L', NULL, "Print a histogram per thread ID" },
	{ OPT_PID, 'p', NULL, NULL },
	{ OPT_CGROUP, 'c', NULL, NULL },
	{ OPT_INTERVAL, 0, NULL, NULL },
	{},
};

static const struct argp_option options[] = {
	{ "milliseconds", 'm', NULL, 0, "Millisecond histograms (default: microseconds)", 0 },
	{ "pidnss", OPT_PIDNSS, NULL, 0, "Print a histogram per PID namespace", 0 },
	{},
};

static const char doc[] =
	"Summarize run queue (scheduler) latency as a histogram: the time tasks wait "
	"to run once they are runnable.\v"
	"Without INTERVAL, one histogram is printed at Ctrl-C.  With INTERVAL (seconds), "
	"a histogram of each interval is printed, COUNT times or until Ctrl-C.\n\n"
	"Examples:\n"
	"  runqlat                # one histogram at Ctrl-C\n"
	"  runqlat 1 10           # 1 second summaries, 10 times\n"
	"  runqlat -mT 1          # 1s summaries, in milliseconds, with timestamps\n"
	"  runqlat -P             # a histogram per process\n"
	"  runqlat -L -p 185      # a histogram per thread of process 185\n"
	"  runqlat --pidnss       # a histogram per PID namespace (containers)\n"
	"  runqlat -c /sys/fs/cgroup/system.slice  # tasks of that cgroup only\n"
	"  runqlat --json 1       # one JSON object per second";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)arg;
	(void)state;
	switch (key) {
	case 'm':
		opts.msecs = true;
		return 0;
	case OPT_PIDNSS:
		opts.pidnss = true;
		return 0;
	case ARGP_KEY_END:
		if (opts.pidnss && gopts.key_by != KEY_NONE)
			cli_usage_error("-P, -L and --pidnss cannot be combined");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static enum hist_by hist_by(void)
{
	if (opts.pidnss)
		return BY_PIDNS;
	return gopts.key_by == KEY_PID ? BY_PID : gopts.key_by == KEY_TID ? BY_TID : BY_NONE;
}

static const char *unit(void)
{
	return opts.msecs ? "msecs" : "usecs";
}

static const char *const by_label[] = {
	[BY_PID] = "pid",
	[BY_TID] = "tid",
	[BY_PIDNS] = "pidns",
};

/*
 * Room for every thread alive now, twice over (an entry lives as long as its
 * thread), and never less than START_ENTRIES.  /proc/loadavg counts threads.
 */
static unsigned int start_entries(void)
{
	unsigned int threads = 0;
	FILE *f = fopen("/proc/loadavg", "r");

	if (f) {
		if (fscanf(f, "%*s %*s %*s %*u/%u", &threads) != 1)
			threads = 0;
		fclose(f);
	}
	if (threads > (1U << 20))
		threads = 1U << 20;
	return threads * 2 > START_ENTRIES ? threads * 2 : START_ENTRIES;
}

/* One histogram section of an interval: the map's key, then its value (struct hist). */
struct section {
	__u32 id;
	uint64_t slots[MAX_SLOTS];
	char comm[TASK_COMM_LEN];
};

/*
 * The single histogram is per CPU and never cleared: an interval is the
 * difference from the totals at the previous one, so no update is lost.
 */
static int read_all(struct runqlat_bpf *skel, struct section *sec)
{
	static uint64_t prev[MAX_SLOTS];
	int err;

	memset(sec, 0, sizeof(*sec));
	err = hist_read_percpu_delta(bpf_map__fd(skel->maps.hist_all), sizeof(struct hist),
				     sec->slots, prev, MAX_SLOTS);
	return err ? err : 1;
}

/* The per-id histograms of the interval (at most MAX_HISTS), sorted by id. */
static int read_keyed(struct runqlat_bpf *skel, struct section *secs)
{
	return hist_drain(bpf_map__fd(skel->maps.hists),
			  &(struct hist_records){ .recs = secs,
						  .rec_size = sizeof(*secs),
						  .value_off = offsetof(struct section, slots),
						  .max = MAX_HISTS });
}

static void print_text(const struct section *secs, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		const struct section *s = &secs[i];

		if (hist_by() != BY_NONE) {
			printf("\n%s = %u ", by_label[hist_by()], s->id);
			print_escaped(stdout, s->comm, sizeof(s->comm));
			putchar('\n');
		}
		hist_print_log2(stdout, s->slots, MAX_SLOTS, unit());
	}
}

static void print_json(const struct section *secs, int n)
{
	struct json j;
	char hms[16];
	int i;

	json_begin(&j, stdout);
	json_str(&j, "time", time_hms(hms, sizeof(hms)));
	json_double(&j, "ts", secs_since_start(mono_ns()));
	json_str(&j, "unit", unit());
	if (hist_by() == BY_NONE) {
		hist_json_log2(&j, "hist", secs[0].slots, MAX_SLOTS, unit());
		json_end(&j);
		return;
	}
	json_arr_begin(&j, "hists");
	for (i = 0; i < n; i++) {
		json_obj_begin(&j, NULL);
		json_uint(&j, by_label[hist_by()], secs[i].id);
		json_strn(&j, "comm", secs[i].comm, sizeof(secs[i].comm));
		hist_json_log2(&j, "hist", secs[i].slots, MAX_SLOTS, unit());
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_end(&j);
}

struct interval_ctx {
	struct runqlat_bpf *skel;
	struct section *secs;
};

static int print_interval(void *ctx)
{
	struct interval_ctx *c = ctx;
	struct runqlat_bpf *skel = c->skel;
	struct section *secs = c->secs;
	int n;

	if (hist_by() == BY_NONE)
		n = read_all(skel, secs);
	else
		n = read_keyed(skel, secs);
	if (n < 0) {
		cli_warn("cannot read histograms: %s", strerror(-n));
		return n;
	}
	if (common_opts.json)
		print_json(secs, n);
	else
		print_text(secs, n);
	return 0;
}

static int choose_hooks(struct runqlat_bpf *skel)
{
	struct bpf_program *wakeup[] = { skel->progs.sched_wakeup_btf,
					 skel->progs.sched_wakeup_raw };
	struct bpf_program *wakeup_new[] = { skel->progs.sched_wakeup_new_btf,
					     skel->progs.sched_wakeup_new_raw };
	struct bpf_program *sw[] = { skel->progs.sched_switch_btf, skel->progs.sched_switch_raw };
	struct bpf_program *task_free[] = { skel->progs.sched_process_free_btf,
					    skel->progs.sched_process_free_raw };

	if (hook_choose("sched_wakeup", wakeup, 2) < 0 ||
	    hook_choose("sched_wakeup_new", wakeup_new, 2) < 0 ||
	    hook_choose("sched_switch", sw, 2) < 0)
		return -1;
	/* Without it, entries of exited tasks stay until the tool exits. */
	hook_choose_optional(task_free, 2);
	return 0;
}

static void configure(struct runqlat_bpf *skel)
{
	skel->rodata->hist_by = hist_by();
	skel->rodata->in_msecs = opts.msecs;
	bpf_map__set_max_entries(skel->maps.start, start_entries());
	/* Only one of the histogram maps is used: keep the other minimal. */
	if (hist_by() == BY_NONE)
		bpf_map__set_max_entries(skel->maps.hists, 1);
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct interval_ctx ctx = { NULL, NULL };
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	ctx.secs = calloc(hist_by() == BY_NONE ? 1 : MAX_HISTS, sizeof(*ctx.secs));
	if (!ctx.secs)
		cli_die("out of memory");
	ctx.skel = TOOL_OPEN(runqlat_bpf);
	if (!ctx.skel)
		goto out;
	configure(ctx.skel);
	if (!choose_hooks(ctx.skel))
		err = tool_run_intervals(&(struct tool_intervals){
			.skel = ctx.skel->skeleton,
			.banner = "Tracing run queue latency... Hit Ctrl-C to end.",
			.print_interval = print_interval,
			.ctx = &ctx,
		});
	runqlat_bpf__destroy(ctx.skel);
out:
	free(ctx.secs);
	return err;
}

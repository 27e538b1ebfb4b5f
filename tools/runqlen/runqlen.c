// SPDX-License-Identifier: GPL-2.0
/* runqlen: summarize scheduler run queue length as a histogram, sampled on every CPU. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "hist.h"
#include "output.h"
#include "pmu.h"
#include "probe.h"
#include "stacks.h"
#include "tool.h"
#include "runqlen.h"
#include "runqlen.skel.h"

static struct {
	bool per_cpu;
	bool occupancy;
	bool whole_rq;
	struct cpu_clock clock;
} opts = { .clock = { .freq = 99, .cpu = -1 } };

static const struct opt_pick picks[] = {
	{ OPT_TIME, 'T', "timestamp", "Include a timestamp (HH:MM:SS) with each output" },
	{ OPT_INTERVAL, 0, NULL, NULL },
	{},
};

static const struct argp_option options[] = {
	{ "cpus", 'C', NULL, 0, "Print output for each CPU separately", 0 },
	{ "runqocc", 'O', NULL, 0, "Report run queue occupancy (share of samples with a queue)",
	  0 },
	{ "frequency", 'f', "FREQUENCY", 0, "Sample this many times a second per CPU (default 99)",
	  0 },
	{ "host", 'H', NULL, 0,
	  "Count every task queued on the CPU (all classes and cgroups), not the CFS queue of "
	  "the task running",
	  0 },
	{},
};

static const char doc[] =
	"Summarize scheduler run queue length as a histogram.\v"
	"Each CPU is sampled FREQUENCY times a second; a sample counts the tasks waiting "
	"on that CPU's run queue besides the one running (0: idle, or nothing waiting). "
	"Without INTERVAL, one summary is printed at Ctrl-C.\n\n"
	"Examples:\n"
	"  runqlen         # summarize run queue length as a histogram\n"
	"  runqlen 1 10    # print 1 second summaries, 10 times\n"
	"  runqlen -T 1    # 1s summaries and timestamps\n"
	"  runqlen -O      # report run queue occupancy\n"
	"  runqlen -C      # show each CPU separately\n"
	"  runqlen -f 199  # sample at 199 Hertz\n"
	"  runqlen --json 1  # one JSON object per second";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	switch (key) {
	case 'C':
		opts.per_cpu = true;
		return 0;
	case 'O':
		opts.occupancy = true;
		return 0;
	case 'H':
		opts.whole_rq = true;
		return 0;
	case 'f':
		opts.clock.freq = cli_parse_long("-f", arg, 1, perf_max_sample_rate());
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

/* Each CPU's counts: now (as read), prev (at the last read), delta (this interval). */
static struct {
	int ncpus;
	bool online[CPU_SAMPLER_MAX_CPUS];
	struct hist *now, *prev, *delta;
	int fd;
} cpus;

static int read_cpus(void)
{
	int c, s;

	if (bpf_map_lookup_elem(cpus.fd, &(__u32){ 0 }, cpus.now)) {
		cli_warn("cannot read the histograms: %s", strerror(errno));
		return -1;
	}
	for (c = 0; c < cpus.ncpus; c++) {
		for (s = 0; s < MAX_SLOTS; s++)
			cpus.delta[c].slots[s] = cpus.now[c].slots[s] - cpus.prev[c].slots[s];
	}
	memcpy(cpus.prev, cpus.now, cpus.ncpus * sizeof(*cpus.now));
	return 0;
}

/* CPU c's histogram (with -C), or every CPU's summed into sum. */
static const uint64_t *slots_of(int c, struct hist *sum)
{
	int s;

	if (opts.per_cpu)
		return (const uint64_t *)cpus.delta[c].slots;
	memset(sum, 0, sizeof(*sum));
	for (c = 0; c < cpus.ncpus; c++) {
		for (s = 0; s < MAX_SLOTS; s++)
			sum->slots[s] += cpus.delta[c].slots[s];
	}
	return (const uint64_t *)sum->slots;
}

/* The CPUs shown: each online one with -C, else one summary (-1). */
static int next_cpu(int c)
{
	if (!opts.per_cpu)
		return c < 0 ? 0 : cpus.ncpus;
	for (c++; c < cpus.ncpus && !cpus.online[c]; c++)
		;
	return c;
}

static void print_occupancy(struct json *j, int c, const uint64_t *slots)
{
	uint64_t samples = hist_total(slots, MAX_SLOTS), queued = samples - slots[0];
	double pct = samples ? 100.0 * queued / samples : 0;

	if (!j) {
		if (opts.per_cpu)
			printf("runqocc, CPU %-3d %6.2f%%\n", c, pct);
		else
			printf("runqocc: %0.2f%%\n", pct);
		return;
	}
	json_obj_begin(j, NULL);
	if (opts.per_cpu)
		json_uint(j, "cpu", c);
	json_uint(j, "samples", samples);
	json_uint(j, "queued", queued);
	json_double(j, "percent", pct);
	json_obj_end(j);
}

static void print_hist(struct json *j, int c, const uint64_t *slots)
{
	if (!j) {
		if (opts.per_cpu)
			printf("cpu = %d\n", c);
		hist_print_linear(stdout, slots, MAX_SLOTS, 0, 1, "runqlen");
		return;
	}
	json_obj_begin(j, NULL);
	if (opts.per_cpu)
		json_uint(j, "cpu", c);
	hist_json_linear(j, "hist", slots, MAX_SLOTS, 0, 1, "runqlen");
	json_obj_end(j);
}

/*
 * Text: BCC's layout.  JSON, one object per interval:
 *	{"time":..,"ts":..,"unit":"runqlen","hists":[{["cpu":N,]"hist":{...}}]}
 *	{"time":..,"ts":..,"runqocc":[{["cpu":N,]"samples":S,"queued":Q,"percent":P}]}
 */
static int print_interval(void *ctx)
{
	struct json j, *jp = common_opts.json ? &j : NULL;
	struct hist sum;
	char hms[16];
	int c;

	(void)ctx;
	if (read_cpus())
		return -1;
	if (jp) {
		json_begin(jp, stdout);
		json_str(jp, "time", time_hms(hms, sizeof(hms)));
		json_double(jp, "ts", secs_since_start(mono_ns()));
		if (!opts.occupancy)
			json_str(jp, "unit", "runqlen");
		json_arr_begin(jp, opts.occupancy ? "runqocc" : "hists");
	}
	for (c = next_cpu(-1); c < cpus.ncpus; c = next_cpu(c)) {
		if (opts.occupancy)
			print_occupancy(jp, c, slots_of(c, &sum));
		else
			print_hist(jp, c, slots_of(c, &sum));
	}
	if (jp) {
		json_arr_end(jp);
		json_end(jp);
	}
	return 0;
}

static struct cpu_sampler *sampler;

static int attach_samplers(void *ctx)
{
	struct runqlen_bpf *skel = ctx;

	cpus.fd = bpf_map__fd(skel->maps.hist_cpu);
	sampler = cpu_sampler_attach(skel->progs.runqlen_sample, &opts.clock);
	if (sampler && common_opts.verbose)
		fprintf(stderr, "%s: cpu-clock via perf_event\n", program_invocation_short_name);
	return sampler ? 0 : -1;
}

static int configure(struct runqlen_bpf *skel)
{
	/* The task's queue: sched_entity::cfs_rq exists with CONFIG_FAIR_GROUP_SCHED only. */
	if (!probe_btf_field("sched_entity", "cfs_rq")) {
		cli_warn("this kernel has no sched_entity.cfs_rq (CONFIG_FAIR_GROUP_SCHED): "
			 "a task's run queue cannot be found");
		return -1;
	}
	skel->rodata->whole_rq = opts.whole_rq;
	cpus.ncpus = libbpf_num_possible_cpus();
	if (cpus.ncpus <= 0 || cpus_online(cpus.online, CPU_SAMPLER_MAX_CPUS) <= 0) {
		cli_warn("cannot tell which CPUs there are");
		return -1;
	}
	if (cpus.ncpus > CPU_SAMPLER_MAX_CPUS)
		cpus.ncpus = CPU_SAMPLER_MAX_CPUS;
	cpus.now = calloc(libbpf_num_possible_cpus(), sizeof(struct hist));
	cpus.prev = calloc(cpus.ncpus, sizeof(struct hist));
	cpus.delta = calloc(cpus.ncpus, sizeof(struct hist));
	if (!cpus.now || !cpus.prev || !cpus.delta)
		cli_die("out of memory");
	return 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct runqlen_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(runqlen_bpf);
	if (skel && !configure(skel))
		err = tool_run_intervals(&(struct tool_intervals){
			.skel = skel->skeleton,
			.banner = "Sampling run queue length... Hit Ctrl-C to end.",
			.print_interval = print_interval,
			.ctx = skel,
			.attach = attach_samplers,
		});
	cpu_sampler_free(sampler);
	runqlen_bpf__destroy(skel);
	free(cpus.now);
	free(cpus.prev);
	free(cpus.delta);
	return err;
}

// SPDX-License-Identifier: GPL-2.0
/* cpufreq: sample CPU frequencies system-wide and by command name. */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
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
#include "cpufreq.h"
#include "cpufreq.skel.h"

static struct cpu_clock clock = { .freq = 99, .cpu = -1 };

static const struct opt_pick picks[] = {
	{ OPT_DURATION, 'd', NULL, "Duration to sample in seconds" },
	{ OPT_CGROUP, 'c', NULL, "Sample tasks in this cgroup (v2 directory) only" },
	{},
};

static const struct argp_option options[] = {
	{ "frequency", 'f', "FREQUENCY", 0, "Sample this many times a second per CPU (default 99)",
	  0 },
	{},
};

static const char doc[] =
	"Sampling CPU freq system-wide & by process. Ctrl-C to end.\v"
	"Each CPU is sampled FREQUENCY times a second; a sample counts the CPU's current "
	"frequency (from the cpufreq driver: sysfs at start, then the power:cpu_frequency "
	"tracepoint) for the system and for the command running.  Needs a cpufreq "
	"driver.\n\n"
	"Examples:\n"
	"  cpufreq              # sample CPU freq at 99 Hertz until Ctrl-C\n"
	"  cpufreq -d 5         # sample for 5 seconds only\n"
	"  cpufreq -c CG        # tasks in cgroup CG only\n"
	"  cpufreq -f 199       # sample CPU freq at 199 Hertz\n"
	"  cpufreq --json -d 5  # one JSON object at the end";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	if (key != 'f')
		return ARGP_ERR_UNKNOWN;
	clock.freq = cli_parse_long("-f", arg, 1, perf_max_sample_rate());
	return 0;
}

/* Where the cpufreq driver shows each CPU; BPFSCOPE_CPUFREQ_SYSFS stands in for it in tests. */
static const char *cpu_sysfs(void)
{
	const char *dir = getenv("BPFSCOPE_CPUFREQ_SYSFS");

	return dir ? dir : "/sys/devices/system/cpu";
}

/* CPU c's frequency in MHz from sysfs; 0 when it has none. */
static __u32 sysfs_mhz(int c)
{
	char path[PATH_MAX];
	unsigned long khz = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/cpu%d/cpufreq/scaling_cur_freq", cpu_sysfs(), c);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (fscanf(f, "%lu", &khz) != 1)
		khz = 0;
	fclose(f);
	return khz / 1000;
}

static struct {
	struct cpufreq_bpf *skel;
	struct cpu_sampler *sampler;
	bool online[CPU_SAMPLER_MAX_CPUS];
	__u32 mhz[CPU_SAMPLER_MAX_CPUS];
} run;

/* The frequencies the driver reports now; -1 after one line if there is no driver. */
static int read_frequencies(void)
{
	bool any = false;

	if (cpus_online(run.online, CPU_SAMPLER_MAX_CPUS) <= 0) {
		cli_warn("cannot read /sys/devices/system/cpu/online");
		return -1;
	}
	for (int c = 0; c < CPU_SAMPLER_MAX_CPUS; c++) {
		if (run.online[c] && (run.mhz[c] = sysfs_mhz(c)))
			any = true;
	}
	if (!any)
		cli_warn(
			"this machine has no cpufreq driver (no %s/cpu0/cpufreq/scaling_cur_freq): "
			"there is no CPU frequency to sample",
			cpu_sysfs());
	return any ? 0 : -1;
}

static int configure(struct cpufreq_bpf *skel)
{
	struct bpf_program *alts[] = { skel->progs.cpu_frequency_btf, skel->progs.cpu_frequency_raw,
				       skel->progs.cpu_frequency_tp };
	int ncpus = libbpf_num_possible_cpus();

	if (read_frequencies())
		return -1;
	if (ncpus <= 0 || bpf_map__set_max_entries(skel->maps.freq_mhz, ncpus)) {
		cli_warn("cannot size the frequency map");
		return -1;
	}
	return hook_choose("cpu_frequency", alts, sizeof(alts) / sizeof(alts[0])) < 0 ? -1 : 0;
}

static int after_load(void *ctx)
{
	int fd = bpf_map__fd(run.skel->maps.freq_mhz), ncpus = libbpf_num_possible_cpus();

	(void)ctx;
	for (__u32 c = 0; c < (__u32)ncpus && c < CPU_SAMPLER_MAX_CPUS; c++) {
		if (run.mhz[c] && bpf_map_update_elem(fd, &c, &run.mhz[c], BPF_ANY)) {
			cli_warn("cannot set the frequency of CPU %u: %s", c, strerror(errno));
			return -1;
		}
	}
	return 0;
}

static int attach_sampler(void *ctx)
{
	(void)ctx;
	run.sampler = cpu_sampler_attach(run.skel->progs.cpufreq_sample, &clock);
	if (run.sampler && common_opts.verbose)
		fprintf(stderr, "%s: cpu-clock via perf_event\n", program_invocation_short_name);
	return run.sampler ? 0 : -1;
}

static void stop_sampler(void *ctx)
{
	(void)ctx;
	cpu_sampler_stop(run.sampler);
}

struct rec {
	struct comm_key key;
	struct hist h;
};

static int by_comm(const void *a, const void *b)
{
	return strncmp(((const struct rec *)a)->key.comm, ((const struct rec *)b)->key.comm,
		       TASK_COMM_LEN);
}

static void print_text(const struct rec *recs, int n, const uint64_t *sys)
{
	char comm[TASK_COMM_LEN * 4 + 1];

	for (int i = 0; i < n; i++) {
		str_escape(comm, sizeof(comm), recs[i].key.comm, TASK_COMM_LEN);
		hist_print_linear(stdout, (const uint64_t *)recs[i].h.slots, MAX_SLOTS, 0,
				  HIST_STEP_MHZ, comm);
		putchar('\n');
	}
	putchar('\n');
	hist_print_linear(stdout, sys, MAX_SLOTS, 0, HIST_STEP_MHZ, "syswide");
}

/* JSON: {"unit":"MHz","hists":[{"comm":C,"hist":{...}},...],"syswide":{...}} */
static void print_json(const struct rec *recs, int n, const uint64_t *sys)
{
	struct json j;

	json_begin(&j, stdout);
	json_str(&j, "unit", "MHz");
	json_arr_begin(&j, "hists");
	for (int i = 0; i < n; i++) {
		json_obj_begin(&j, NULL);
		json_strn(&j, "comm", recs[i].key.comm, TASK_COMM_LEN);
		hist_json_linear(&j, "hist", (const uint64_t *)recs[i].h.slots, MAX_SLOTS, 0,
				 HIST_STEP_MHZ, "MHz");
		json_obj_end(&j);
	}
	json_arr_end(&j);
	hist_json_linear(&j, "syswide", sys, MAX_SLOTS, 0, HIST_STEP_MHZ, "MHz");
	json_end(&j);
}

static int print_summary(void *ctx)
{
	uint64_t sys[MAX_SLOTS], prev[MAX_SLOTS] = {};
	struct rec *recs = calloc(MAX_COMMS, sizeof(*recs));
	int n, err;

	(void)ctx;
	if (!recs) {
		cli_warn("out of memory");
		return -1;
	}
	n = hist_drain(bpf_map__fd(run.skel->maps.hists),
		       &(struct hist_records){ .recs = recs,
					       .rec_size = sizeof(*recs),
					       .value_off = offsetof(struct rec, h),
					       .max = MAX_COMMS,
					       .cmp = by_comm });
	err = hist_read_percpu_delta(bpf_map__fd(run.skel->maps.syswide), sizeof(struct hist), sys,
				     prev, MAX_SLOTS);
	if (n < 0 || err) {
		cli_warn("cannot read the histograms: %s", strerror(n < 0 ? -n : -err));
		free(recs);
		return -1;
	}
	if (common_opts.json)
		print_json(recs, n, sys);
	else
		print_text(recs, n, sys);
	free(recs);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	run.skel = TOOL_OPEN(cpufreq_bpf);
	if (run.skel && !configure(run.skel))
		err = tool_run_events(&(struct tool_events){
			.skel = run.skel->skeleton,
			.banner = "Sampling CPU freq system-wide & by process. Ctrl-C to end.",
			.print_summary = print_summary,
			.after_load = after_load,
			.attach = attach_sampler,
			.stop = stop_sampler,
		});
	cpu_sampler_free(run.sampler);
	cpufreq_bpf__destroy(run.skel);
	return err;
}

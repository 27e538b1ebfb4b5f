// SPDX-License-Identifier: GPL-2.0
/* Hardware events sampled per CPU; see include/pmu.h. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "pmu.h"
#include "stacks.h"

long perf_max_sample_rate(void)
{
	FILE *f = fopen("/proc/sys/kernel/perf_event_max_sample_rate", "re");
	long rate = 0;

	if (f) {
		if (fscanf(f, "%ld", &rate) != 1)
			rate = 0;
		fclose(f);
	}
	return rate > 0 ? rate : INT_MAX;
}

/* Each hardware event, and the software event that stands in for it under test. */
static const struct pmu_event {
	__u64 hw;
	const char *name;
	__u64 sw;
	const char *sw_name;
} events[] = {
	{ PERF_COUNT_HW_CACHE_REFERENCES, "cache-references", PERF_COUNT_SW_PAGE_FAULTS,
	  "page-faults" },
	{ PERF_COUNT_HW_CACHE_MISSES, "cache-misses", PERF_COUNT_SW_CONTEXT_SWITCHES,
	  "context-switches" },
};

static const struct pmu_event *event_of(__u64 hw)
{
	for (size_t i = 0; i < sizeof(events) / sizeof(events[0]); i++) {
		if (events[i].hw == hw)
			return &events[i];
	}
	return NULL;
}

/* BPFSCOPE_PMU=software: tests without a PMU count software events instead. */
static bool stand_in(void)
{
	const char *v = getenv("BPFSCOPE_PMU");

	return v && !strcmp(v, "software");
}

const char *pmu_event_name(__u64 hw_config)
{
	const struct pmu_event *e = event_of(hw_config);

	if (!e)
		return "hardware event";
	return stand_in() ? e->sw_name : e->name;
}

static int open_event(__u64 hw_config, __u64 period, int cpu)
{
	const struct pmu_event *e = event_of(hw_config);
	struct perf_event_attr attr = {
		.type = PERF_TYPE_HARDWARE,
		.config = hw_config,
		.size = sizeof(attr),
		.sample_period = period,
	};

	if (e && stand_in()) {
		attr.type = PERF_TYPE_SOFTWARE;
		attr.config = e->sw;
	}
	return syscall(SYS_perf_event_open, &attr, -1, cpu, -1, PERF_FLAG_FD_CLOEXEC);
}

/* A CPU's core PMU registers as "cpu" (hybrid Intel: "cpu_core", "cpu_atom"; ARM: "armv8_*"). */
static bool has_core_pmu(void)
{
	static const char *const names[] = { "cpu", "cpu_core", "cpu_atom", "armv8_pmuv3_0" };
	char path[128];
	struct stat st;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "/sys/bus/event_source/devices/%s", names[i]);
		if (!stat(path, &st))
			return true;
	}
	return false;
}

static int first_online_cpu(void)
{
	static bool cpus[CPU_SAMPLER_MAX_CPUS];

	if (cpus_online(cpus, CPU_SAMPLER_MAX_CPUS) <= 0)
		return 0;
	for (int c = 0; c < CPU_SAMPLER_MAX_CPUS; c++) {
		if (cpus[c])
			return c;
	}
	return 0;
}

int pmu_check(__u64 hw_config)
{
	int fd = open_event(hw_config, 1000000, first_online_cpu());
	const char *name = pmu_event_name(hw_config);

	if (fd >= 0) {
		close(fd);
		return 0;
	}
	/* ENOENT: no PMU takes the event; EOPNOTSUPP: it cannot sample; ENODEV: none here. */
	if (errno == ENOENT || errno == EOPNOTSUPP || errno == ENODEV) {
		if (!has_core_pmu())
			cli_warn("this machine has no hardware PMU (no cpu in "
				 "/sys/bus/event_source/devices): cannot count %s; a VM needs "
				 "its hypervisor to expose one",
				 name);
		else
			cli_warn("this machine has no hardware PMU that samples %s "
				 "(perf_event_open: %s)",
				 name, strerror(errno));
	} else {
		cli_warn("cannot open a %s perf event: %s", name, strerror(errno));
	}
	return -1;
}

struct pmu_sampler {
	int nlinks;
	struct bpf_link *links[CPU_SAMPLER_MAX_CPUS];
};

static int attach_cpu(struct pmu_sampler *s, struct bpf_program *prog, __u64 hw_config,
		      __u64 period, int cpu)
{
	int fd = open_event(hw_config, period, cpu), err;

	if (fd < 0) {
		cli_warn("cannot open a %s perf event on CPU %d: %s", pmu_event_name(hw_config),
			 cpu, strerror(errno));
		return -1;
	}
	s->links[s->nlinks] = bpf_program__attach_perf_event(prog, fd);
	err = libbpf_get_error(s->links[s->nlinks]);
	if (err) {
		s->links[s->nlinks] = NULL;
		close(fd);
		cli_warn("cannot attach to the %s perf event of CPU %d: %s",
			 pmu_event_name(hw_config), cpu, strerror(-err));
		return -1;
	}
	s->nlinks++;
	return 0;
}

struct pmu_sampler *pmu_sampler_attach(struct bpf_program *prog, __u64 hw_config, __u64 period)
{
	static bool cpus[CPU_SAMPLER_MAX_CPUS];
	struct pmu_sampler *s;

	if (cpus_online(cpus, CPU_SAMPLER_MAX_CPUS) <= 0) {
		cli_warn("cannot read /sys/devices/system/cpu/online");
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		cli_warn("out of memory");
		return NULL;
	}
	for (int cpu = 0; cpu < CPU_SAMPLER_MAX_CPUS; cpu++) {
		if (cpus[cpu] && attach_cpu(s, prog, hw_config, period, cpu)) {
			pmu_sampler_free(s);
			return NULL;
		}
	}
	if (common_opts.verbose)
		fprintf(stderr, "%s: %s via perf_event\n", program_invocation_short_name,
			pmu_event_name(hw_config));
	return s;
}

void pmu_sampler_stop(struct pmu_sampler *s)
{
	while (s && s->nlinks > 0)
		bpf_link__destroy(s->links[--s->nlinks]);
}

void pmu_sampler_free(struct pmu_sampler *s)
{
	pmu_sampler_stop(s);
	free(s);
}

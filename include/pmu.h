/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Hardware events of the CPU's PMU (cache references and misses, ...),
 * sampled on every online CPU by a BPF perf_event program (llcstat), and
 * the one-line reason when this machine cannot count them.
 *
 *	if (pmu_check(PERF_COUNT_HW_CACHE_MISSES))      // before load
 *		return 1;                                // said what is missing
 *	s = pmu_sampler_attach(prog, PERF_COUNT_HW_CACHE_MISSES, period);
 *	...
 *	pmu_sampler_free(s);
 *
 * Tests on machines without a PMU (VMs, TCG guests): BPFSCOPE_PMU=software
 * stands software events in for hardware ones (the table in lib/pmu.c:
 * cache-references are page faults, cache-misses context switches), so the
 * whole path runs with counts a test can cause.
 */
#ifndef BPFSCOPE_PMU_H
#define BPFSCOPE_PMU_H

#include <stdbool.h>
#include <linux/types.h>

struct bpf_program;

/*
 * kernel.perf_event_max_sample_rate: the highest sampling frequency (per CPU)
 * a perf event may ask for; INT_MAX when it cannot be read.
 */
long perf_max_sample_rate(void);

/* perf's name of a PERF_TYPE_HARDWARE event ("cache-misses"), of its stand-in under test. */
const char *pmu_event_name(__u64 hw_config);

/*
 * Can this machine sample the event?  0; or -1 after one line naming what
 * is missing ("this machine has no hardware PMU ...").
 */
int pmu_check(__u64 hw_config);

/* The event on every online CPU, every period occurrences, each running prog; NULL: said why. */
struct pmu_sampler;
struct pmu_sampler *pmu_sampler_attach(struct bpf_program *prog, __u64 hw_config, __u64 period);
/* Detach every event (again is harmless), so the counts stand still. */
void pmu_sampler_stop(struct pmu_sampler *s);
void pmu_sampler_free(struct pmu_sampler *s);

#endif

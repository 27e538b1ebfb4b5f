// SPDX-License-Identifier: GPL-2.0
/* lib/pmu.c: event names, the software stand-ins, the reason a PMU is missing. */
#include <stdlib.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <sys/stat.h>

#include "pmu.h"
#include "unit.h"

static void test_names(void)
{
	unsetenv("BPFSCOPE_PMU");
	CHECK_STR("cache-misses by its perf name", pmu_event_name(PERF_COUNT_HW_CACHE_MISSES),
		  "cache-misses");
	CHECK_STR("cache-references by its perf name",
		  pmu_event_name(PERF_COUNT_HW_CACHE_REFERENCES), "cache-references");
	CHECK_STR("an event without a name", pmu_event_name(PERF_COUNT_HW_BUS_CYCLES),
		  "hardware event");
	setenv("BPFSCOPE_PMU", "software", 1);
	CHECK_STR("BPFSCOPE_PMU=software: misses are context switches",
		  pmu_event_name(PERF_COUNT_HW_CACHE_MISSES), "context-switches");
	CHECK_STR("BPFSCOPE_PMU=software: references are page faults",
		  pmu_event_name(PERF_COUNT_HW_CACHE_REFERENCES), "page-faults");
	setenv("BPFSCOPE_PMU", "hardware", 1);
	CHECK_STR("BPFSCOPE_PMU=anything else: the hardware event",
		  pmu_event_name(PERF_COUNT_HW_CACHE_MISSES), "cache-misses");
}

/* As root: the stand-ins open anywhere; the hardware event where there is a core PMU. */
static void test_check(void)
{
	struct stat st;
	bool pmu = !stat("/sys/bus/event_source/devices/cpu", &st);

	if (geteuid()) {
		printf("skip - pmu_check: needs root\n");
		return;
	}
	setenv("BPFSCOPE_PMU", "software", 1);
	CHECK("pmu_check: the software stand-in opens", pmu_check(PERF_COUNT_HW_CACHE_MISSES) == 0,
	      "failed");
	unsetenv("BPFSCOPE_PMU");
	if (pmu)
		CHECK("pmu_check: cache-misses open on this PMU",
		      pmu_check(PERF_COUNT_HW_CACHE_MISSES) == 0, "failed");
	else
		CHECK("pmu_check: no PMU here is an error",
		      pmu_check(PERF_COUNT_HW_CACHE_MISSES) < 0, "succeeded");
}

int main(void)
{
	test_names();
	test_check();
	return unit_exit();
}

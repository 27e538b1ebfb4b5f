// SPDX-License-Identifier: GPL-2.0
/* Sizing from what the system has, and helper probes that tests can force off. */
#include <stdlib.h>
#include <linux/bpf.h>

#include "probe.h"
#include "unit.h"

int main(void)
{
	unsigned int threads = 0, room;
	FILE *f = fopen("/proc/loadavg", "r");

	if (f) {
		if (fscanf(f, "%*s %*s %*s %*u/%u", &threads) != 1)
			threads = 0;
		fclose(f);
	}
	room = probe_threads_room(2, 16);
	CHECK("threads room: twice the threads alive (within a few started meanwhile)",
	      threads && room >= 2 * threads - 64 && room <= 2 * threads + 64,
	      "room %u for %u threads", room, threads);
	CHECK("threads room: never below the minimum", probe_threads_room(1, 1U << 20) == 1U << 20,
	      "got %u", probe_threads_room(1, 1U << 20));
	CHECK("threads room: capped at 2^21", probe_threads_room(1U << 30, 1) == 1U << 21, "got %u",
	      probe_threads_room(1U << 30, 1));
	setenv("BPFSCOPE_AVOID", "task_pt_regs", 1);
	CHECK("a helper named in BPFSCOPE_AVOID is unavailable",
	      !probe_helper("task_pt_regs", BPF_FUNC_task_pt_regs), "%s", "still available");
	return unit_exit();
}

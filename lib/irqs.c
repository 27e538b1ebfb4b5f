// SPDX-License-Identifier: GPL-2.0
/* Softirq vector names and the CPU option of the interrupt tools. */
#include <stdio.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "irqs.h"

const char *softirq_name(unsigned int vec)
{
	static const char *const names[SOFTIRQ_VECS] = {
		"hi",	    "timer",   "net_tx", "net_rx",  "block",
		"irq_poll", "tasklet", "sched",	 "hrtimer", "rcu",
	};

	return vec < SOFTIRQ_VECS ? names[vec] : NULL;
}

int irqs_parse_cpu(const char *opt, const char *arg)
{
	int ncpus = libbpf_num_possible_cpus();

	if (ncpus < 1)
		cli_die("cannot count the CPUs (/sys/devices/system/cpu/possible)");
	return cli_parse_long(opt, arg, 0, ncpus - 1);
}

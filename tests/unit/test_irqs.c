// SPDX-License-Identifier: GPL-2.0
/* lib/irqs.c: softirq vector names, the CPU option's range. */
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "irqs.h"
#include "unit.h"

static void test_names(void)
{
	CHECK_STR("irqs: vector 0 is hi", softirq_name(0), "hi");
	CHECK_STR("irqs: vector 3 is net_rx", softirq_name(3), "net_rx");
	CHECK_STR("irqs: vector 9 is rcu", softirq_name(9), "rcu");
	CHECK("irqs: no name past the known vectors", softirq_name(SOFTIRQ_VECS) == NULL, "got %s",
	      softirq_name(SOFTIRQ_VECS));
}

/* The exit status of irqs_parse_cpu(arg) in a child: the CPU, or 2 (usage error). */
static int parse_status(const char *arg)
{
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		freopen("/dev/null", "w", stderr);
		_exit(irqs_parse_cpu("--cpu", arg) == 0 ? 0 : 100);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static void test_cpu(void)
{
	char last[16], past[16];
	int ncpus = libbpf_num_possible_cpus();

	snprintf(last, sizeof(last), "%d", ncpus - 1);
	snprintf(past, sizeof(past), "%d", ncpus);
	CHECK("irqs: CPU 0 is taken", parse_status("0") == 0, "status %d", parse_status("0"));
	CHECK("irqs: the last possible CPU is taken", parse_status(last) == (ncpus > 1 ? 100 : 0),
	      "status %d", parse_status(last));
	CHECK("irqs: one past the possible CPUs is a usage error", parse_status(past) == 2,
	      "status %d", parse_status(past));
	CHECK("irqs: a negative CPU is a usage error", parse_status("-1") == 2, "status %d",
	      parse_status("-1"));
	CHECK("irqs: a CPU with trailing junk is a usage error", parse_status("1x") == 2,
	      "status %d", parse_status("1x"));
}

int main(void)
{
	test_names();
	test_cpu();
	return unit_exit();
}

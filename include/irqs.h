/* SPDX-License-Identifier: GPL-2.0 */
/* What the interrupt tools share (hardirqs, softirqs, softirqslower). */
#ifndef BPFSCOPE_IRQS_H
#define BPFSCOPE_IRQS_H

/*
 * Softirq vectors as the kernel numbers them (enum in linux/interrupt.h,
 * unchanged since Linux 4.0), named as BCC prints them: "net_rx".
 */
#define SOFTIRQ_VECS 10

/* The name of vector vec; NULL for one past the known vectors. */
const char *softirq_name(unsigned int vec);

/*
 * The argument of a CPU option (-c/--cpu): a CPU this machine can have (0 to
 * the possible CPUs - 1); otherwise a one-line usage error naming opt.
 */
int irqs_parse_cpu(const char *opt, const char *arg);

#endif

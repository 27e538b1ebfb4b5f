/* SPDX-License-Identifier: GPL-2.0 */
#ifndef HARDIRQS_H
#define HARDIRQS_H

#define IRQ_NAME_LEN 32	  /* a handler's name (irqaction.name), cut to this with its NUL */
#define MAX_SLOTS    32	  /* log2 slots of -d: 2^31 usecs is 35 minutes */
#define MAX_IRQS     1024 /* handler names an interval can hold */

/* Handlers are counted by name, as upstream does (shared lines have a name each). */
struct irq_name {
	char name[IRQ_NAME_LEN];
};

struct irq_stats {
	__u64 count;
	__u64 ns; /* time in the handler, summed */
	__u64 slots[MAX_SLOTS];
};

#endif

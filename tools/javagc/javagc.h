/* SPDX-License-Identifier: GPL-2.0 */
#ifndef JAVAGC_H
#define JAVAGC_H

/* One garbage collection of a JVM: hotspot:gc__begin to gc__end. */
struct gc_event {
	__u64 end_ns; /* bpf_ktime_get_ns() at gc__end */
	__u64 dur_ns;
	__u32 pid;
	__u32 cpu;  /* where gc__end fired */
	__u32 full; /* gc__begin's argument: a full collection */
	__u32 pad;
};

#endif

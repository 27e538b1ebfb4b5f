/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tp_btf programs without libbpf's parse of the kernel BTF (lib/tpbtf.c):
 * register our SEC("tp_btf/") handler before the first open, and before load
 * give each program to be loaded the id of its tracepoint's btf_trace_<tp>
 * typedef, looked up in the kbtf view (include/kbtf.h).
 */
#ifndef BPFSCOPE_TPBTF_H
#define BPFSCOPE_TPBTF_H

struct bpf_object;

/* Once per process; 0, or -ENOTSUP when libbpf refused the handler. */
int tpbtf_register(void);
/*
 * After open, before load: the btf_trace_<tp> id of each tp_btf program set to
 * load.  -ESRCH when a tracepoint is not in the kernel BTF, -E2BIG when the
 * object has too many such programs.  A tp_btf program that is loaded without
 * this fails to load (-ESRCH) instead of attaching to a wrong target.
 */
int tpbtf_prepare(struct bpf_object *obj);

#endif

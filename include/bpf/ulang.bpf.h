/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading a method's class and name from a language runtime's USDT entry or
 * return probe (ucalls, uflow).  Where each is depends on the runtime
 * (lib/ulang.c sets these before load): an argument with a NUL-terminated
 * string, or an argument with a pointer and another with its length (the
 * JVM's hotspot:method__entry).  Include <bpf/usdt.bpf.h> first.
 */
#ifndef BPFSCOPE_ULANG_BPF_H
#define BPFSCOPE_ULANG_BPF_H

#include "ulangname.h"

/* USDT argument numbers (from 0); -1: none (no class: Tcl; no length: a C string). */
const volatile int ulang_class_arg = -1;
const volatile int ulang_class_len_arg = -1;
const volatile int ulang_method_arg = 0;
const volatile int ulang_method_len_arg = -1;

/* Read string argument arg (its length in len_arg, if any) into buf; an empty string if none. */
static __always_inline void ulang_read_arg(struct pt_regs *ctx, int arg, int len_arg, char *buf,
					   __u32 size)
{
	long ptr = 0, len = 0;

	buf[0] = '\0';
	if (arg < 0 || bpf_usdt_arg(ctx, arg, &ptr) || !ptr)
		return;
	if (len_arg < 0) {
		bpf_probe_read_user_str(buf, size, (void *)ptr);
		return;
	}
	if (bpf_usdt_arg(ctx, len_arg, &len) || len <= 0)
		return;
	if (len > size - 1)
		len = size - 1;
	bpf_probe_read_user(buf, len & (size - 1), (void *)ptr);
	buf[len & (size - 1)] = '\0';
}

/* n zeroed first: it may be a hash key, and a shorter name must not keep a longer one's tail. */
static __always_inline void ulang_read_name(struct pt_regs *ctx, struct ulang_name *n)
{
	__builtin_memset(n, 0, sizeof(*n));
	ulang_read_arg(ctx, ulang_class_arg, ulang_class_len_arg, n->clazz, sizeof(n->clazz));
	ulang_read_arg(ctx, ulang_method_arg, ulang_method_len_arg, n->method, sizeof(n->method));
}

#endif

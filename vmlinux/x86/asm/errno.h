/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For BPF objects only (this directory is on the BPF compile's include path):
 * libbpf's <bpf/usdt.bpf.h> includes <linux/errno.h>, whose <asm/errno.h> is
 * in the host's multiarch directory, which a -target bpf compile does not
 * search.  x86's is the generic one.
 */
#include <asm-generic/errno.h>

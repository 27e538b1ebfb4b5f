/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CO-RE relocation against a minimal kernel BTF.
 *
 * libbpf relocates a BPF object by parsing the whole kernel BTF (5-6 MB,
 * 100k+ types): 5-15 ms and ~12 MB of start-up for every tool.  The object
 * itself says which kernel types it needs (its .BTF.ext CO-RE records), so we
 * cut from the kernel BTF just those types and the members the records
 * reach, the same candidates libbpf would consider, and hand that to libbpf
 * as btf_custom_path.  Where anything is unusual the answer is NULL and
 * libbpf does what it always does.
 */
#ifndef BPFSCOPE_COREBTF_H
#define BPFSCOPE_COREBTF_H

#include <stddef.h>

#include "tpbtf.h"

/*
 * A path to the minimal BTF for this BPF object (an ELF image, as a skeleton
 * embeds it) on the running kernel, valid until corebtf_release(); NULL when
 * libbpf should use the kernel BTF itself.  why (may be NULL) says which.
 */
const char *corebtf_for_object(const void *elf, size_t size, const char **why);
void corebtf_release(void);

/* The minimal BTF as bytes (malloc'ed), for tests; NULL as above. */
void *corebtf_build(const void *elf, size_t size, size_t *out_size, const char **why);

/* The names lib/cli.c knows the tp_btf handler by; it lives in include/tpbtf.h. */
static inline int corebtf_register_tp_btf(void)
{
	return tpbtf_register();
}

static inline int corebtf_prepare_tp_btf(struct bpf_object *obj)
{
	return tpbtf_prepare(obj);
}

#endif

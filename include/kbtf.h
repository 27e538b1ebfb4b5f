/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A read-only view of raw BTF: the running kernel's (mapped from
 * /sys/kernel/btf/vmlinux where the kernel allows it, read otherwise) or any
 * buffer.  It indexes the types and nothing more, so it costs about a
 * millisecond where a full libbpf parse of the kernel BTF costs 5-15 ms and
 * 12 MB; the struct btf_type accessors of <bpf/btf.h> work on its types.
 */
#ifndef BPFSCOPE_KBTF_H
#define BPFSCOPE_KBTF_H

#include <bpf/btf.h>
#include <stdbool.h>
#include <stddef.h>

struct kbtf;

/* The kernel's BTF, opened once and shared until kbtf_release(); NULL if absent. */
const struct kbtf *kbtf_kernel(void);
void kbtf_release(void);

/* A view of BTF in memory (kept, not copied); NULL if it is malformed. */
struct kbtf *kbtf_new(const void *data, size_t size);
void kbtf_free(struct kbtf *btf);

/* Types are numbered 1..kbtf_type_cnt()-1; 0 is void. */
unsigned int kbtf_type_cnt(const struct kbtf *btf);
const struct btf_type *kbtf_type_by_id(const struct kbtf *btf, unsigned int id);
const char *kbtf_name_by_offset(const struct kbtf *btf, unsigned int offset);
/* First type of that name and kind, or a negative errno. */
int kbtf_find_by_name_kind(const struct kbtf *btf, const char *name, int kind);
/* Whether any type has that name, whatever its kind. */
bool kbtf_has_name(const struct kbtf *btf, const char *name);
/* id after following typedefs, const, volatile, restrict and type tags. */
unsigned int kbtf_skip_mods(const struct kbtf *btf, unsigned int id);

/* The string section, for whoever writes BTF derived from this one. */
const char *kbtf_strings(const struct kbtf *btf, size_t *len);

#endif

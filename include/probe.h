/* SPDX-License-Identifier: GPL-2.0 */
/* What the running kernel offers, and the choice of attach points. */
#ifndef BPFSCOPE_PROBE_H
#define BPFSCOPE_PROBE_H

#include <bpf/btf.h>
#include "kbtf.h"
#include <bpf/libbpf.h>
#include <stdbool.h>
#include <stddef.h>

bool probe_btf_vmlinux(void);
/* The running kernel's BTF (include/kbtf.h), opened once for every probe; NULL if none. */
const struct kbtf *probe_kernel_btf(void);
/*
 * Drop what probing cached (the kernel BTF view).  tool_load() calls it once
 * the hooks are chosen; a probe after it opens the BTF again.
 */
void probe_release(void);
bool probe_ringbuf(void);
/*
 * Can a tracing program call this BPF helper here?  name is what
 * BPFSCOPE_AVOID calls it ("task_pt_regs"): a tool's fallback is tested by
 * naming it there.
 */
bool probe_helper(const char *name, enum bpf_func_id id);
bool probe_btf_type(const char *name);			   /* struct/union/typedef/func */
bool probe_btf_field(const char *type, const char *field); /* struct or union member */
bool probe_tp_btf(const char *name);			   /* btf_trace_<name> exists */
bool probe_raw_tp(const char *name);
bool probe_tracepoint(const char *category, const char *name);
bool probe_fentry(const char *func); /* really loads a tiny fentry program */
bool probe_kprobe(const char *func);

/*
 * Entries for a map keyed by thread: the threads alive now (/proc/loadavg
 * counts them) times factor, at least min, at most 2^21.
 */
unsigned int probe_threads_room(unsigned int factor, unsigned int min);

/* tracefs mount point, mounting it at /sys/kernel/tracing if needed; NULL if impossible. */
const char *tracefs_path(void);

/*
 * Hook kinds, cheapest and most stable first.  BPFSCOPE_AVOID (comma separated
 * kinds, and "ringbuf") makes a kind unavailable: tests use it to force fallbacks.
 */
enum hook_kind {
	HOOK_TP_BTF,
	HOOK_RAW_TP,
	HOOK_TRACEPOINT,
	HOOK_FENTRY,
	HOOK_FEXIT,
	HOOK_KPROBE,
	HOOK_KRETPROBE,
	HOOK_PERF_EVENT,
	HOOK_OTHER,
};

bool hook_avoided(const char *kind);
enum hook_kind hook_kind_of(const struct bpf_program *prog);
const char *hook_kind_name(enum hook_kind kind);
/* The kernel object a program attaches to: "sched_switch", "vfs_read", ... */
const char *hook_target(const struct bpf_program *prog);
/* Can this program's hook be used on the running kernel?  why: what is missing. */
bool hook_available(const struct bpf_program *prog, const char **why);

/*
 * Of several programs that deliver the same event, keep the first whose hook
 * works here and disable the rest (set before load).  Returns the index kept,
 * or -1 after printing one line naming what each alternative lacks.
 * 'what' names the event for messages, e.g. "sched_switch".
 */
int hook_choose(const char *what, struct bpf_program *const *alts, size_t n);

/* As hook_choose, but an event that cannot be traced is only disabled (returns -1 quietly). */
int hook_choose_optional(struct bpf_program *const *alts, size_t n);

/*
 * For every event the object's programs feed: of the programs still set to
 * load that attach to the same target (sched_switch, ...), in the object's
 * order (cheapest kind first, by convention), keep the first whose hook
 * works here and disable the rest.  A target in optional (NULL-ended, may be
 * NULL) may find none; any other that finds none is a one-line error and -1.
 * Programs the tool attaches itself (perf events) must be disabled first.
 */
int hook_choose_each(struct bpf_object *obj, const char *const *optional);

/* Set a rodata global (by name) of an opened, not yet loaded object. */
int obj_set_rodata(struct bpf_object *obj, const char *name, const void *val, size_t size);

/* After load: restrict a tool using include/bpf/filter.bpf.h to the cgroup at path (v2). */
int filter_set_cgroup(struct bpf_object *obj, const char *path);

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * uflow: the flow of method calls of a high-level language runtime, from its
 * USDT entry and return probes: each entry and return with its depth in the
 * thread's calls (a per-thread counter), for the calls that pass the -C
 * class and -M method prefix filters.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/usdt.bpf.h>

#include "bpf/events.bpf.h"
#include "bpf/filter.bpf.h"
#include "bpf/ulang.bpf.h"
#include "uflow.h"

/* -C and -M: only classes and methods whose names start with these. */
const volatile char class_prefix[ULANG_CLASS_LEN] = {};
const volatile __u32 class_prefix_len = 0;
const volatile char method_prefix[ULANG_METHOD_LEN] = {};
const volatile __u32 method_prefix_len = 0;

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u32);
} depths SEC(".maps");

/* A name read before an event is reserved (one filtered out is no lost event), per CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ulang_name);
} scratch SEC(".maps");

static __always_inline bool starts_with(const char *s, const volatile char *prefix, __u32 len,
					__u32 max)
{
	__u32 i;

	for (i = 0; i < max && i < len; i++) {
		if (s[i] != prefix[i])
			return false;
	}
	return true;
}

static __always_inline int on_call(struct pt_regs *ctx, bool ret)
{
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tid = (__u32)id, zero = 0, *depth, shown;
	struct ulang_name *n = bpf_map_lookup_elem(&scratch, &zero);
	struct flow_event *e;

	if (!n || !filter_current())
		return 0;
	ulang_read_name(ctx, n);
	if (!starts_with(n->clazz, class_prefix, class_prefix_len, ULANG_CLASS_LEN) ||
	    !starts_with(n->method, method_prefix, method_prefix_len, ULANG_METHOD_LEN))
		return 0;
	depth = bpf_map_lookup_elem(&depths, &tid);
	if (!depth) {
		bpf_map_update_elem(&depths, &tid, &zero, BPF_NOEXIST);
		depth = bpf_map_lookup_elem(&depths, &tid);
		if (!depth)
			return 0;
	}
	/* An entry goes one deeper; a return is shown at its entry's depth, then leaves it. */
	if (!ret)
		*depth += 1;
	shown = *depth ? *depth : 1;
	if (ret && *depth)
		*depth -= 1;
	e = event_reserve(sizeof(*e));
	if (!e)
		return 0;
	__builtin_memcpy(&e->name, n, sizeof(e->name));
	e->depth = shown;
	e->ret = ret;
	e->ts_ns = bpf_ktime_get_ns();
	id = current_ids();
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->cpu = bpf_get_smp_processor_id();
	e->pad = 0;
	event_submit(ctx, e, sizeof(*e));
	return 0;
}

SEC("usdt")
int method_entry(struct pt_regs *ctx)
{
	return on_call(ctx, false);
}

SEC("usdt")
int method_return(struct pt_regs *ctx)
{
	return on_call(ctx, true);
}

char LICENSE[] SEC("license") = "GPL";

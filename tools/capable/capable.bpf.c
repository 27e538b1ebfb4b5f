// SPDX-License-Identifier: GPL-2.0
/* capable: report capability checks (cap_capable()) with their verdict. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/filter.bpf.h"
#include "capable.h"

#define EVENT_MAX_SIZE (sizeof(struct cap_event))
#include "bpf/events.bpf.h"

const volatile bool kernel_stacks = false;
const volatile bool user_stacks = false;
const volatile __u32 stack_bytes = STACK_MAX_DEPTH * sizeof(__u64); /* --perf-max-stack-depth */
const volatile __u32 unique_by = UNIQUE_OFF;

struct unique_key {
	__u64 cgroup;
	__u32 tgid;
	__s32 cap;
};

/* --unique: what was reported; LRU, so a full map forgets the oldest and reports it again. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 10240);
	__type(key, struct unique_key);
	__type(value, __u8);
} seen SEC(".maps");

/* Where an event is built (it is too large for the BPF stack). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct cap_event);
} scratch SEC(".maps");

/* kprobe path: the event built at entry, finished at return, per thread (allocated as used). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1); /* sized by user space when the kprobes are used */
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct cap_event);
} pending SEC(".maps");

/* Has this process (or cgroup) been reported for cap already?  Marks it if not. */
static __always_inline bool seen_before(__u32 tgid, int cap)
{
	struct unique_key key = { .cap = cap };
	static const __u8 one = 1;

	if (unique_by == UNIQUE_OFF)
		return false;
	if (unique_by == UNIQUE_CGROUP)
		key.cgroup = bpf_get_current_cgroup_id();
	else
		key.tgid = tgid;
	if (bpf_map_lookup_elem(&seen, &key))
		return true;
	bpf_map_update_elem(&seen, &key, &one, BPF_ANY);
	return false;
}

/* The stacks asked for, copied into e->frames: kernel frames, then user frames. */
static __always_inline void take_stacks(void *ctx, struct cap_event *e)
{
	__u32 kframes = 0;

	e->kbytes = e->ubytes = -1;
	if (kernel_stacks) {
		e->kbytes = bpf_get_stack(ctx, e->frames, stack_bytes, 0);
		if (e->kbytes > 0)
			kframes = e->kbytes / sizeof(__u64);
	}
	if (user_stacks)
		e->ubytes = bpf_get_stack(ctx, &e->frames[kframes & STACK_MAX_DEPTH], stack_bytes,
					  BPF_F_USER_STACK);
}

/* Who checks, and the stacks; the result is set by the caller. */
static __always_inline void fill_event(void *ctx, struct cap_event *e, int cap, __u32 opts,
				       bool has_opts)
{
	__u64 id = current_ids(); /* as the tool's PID namespace numbers them */

	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->cap = cap;
	e->opts = opts;
	e->has_opts = has_opts;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	take_stacks(ctx, e);
}

/* Send e up to the end of its frames. */
static __always_inline void send_event(void *ctx, struct cap_event *e)
{
	__u64 size = CAP_EVENT_HEADER_SIZE;

	if (seen_before(e->pid, e->cap))
		return;
	if (e->kbytes > 0)
		size += e->kbytes;
	if (e->ubytes > 0)
		size += e->ubytes;
	if (size > sizeof(*e))
		size = sizeof(*e);
	event_output(ctx, e, size);
}

static __always_inline int report(void *ctx, int cap, int ret, __u32 opts, bool has_opts)
{
	__u32 zero = 0;
	struct cap_event *e = bpf_map_lookup_elem(&scratch, &zero);

	if (!e || !filter_current())
		return 0;
	fill_event(ctx, e, cap, opts, has_opts);
	e->ret = ret;
	send_event(ctx, e);
	return 0;
}

/* The tracepoint (Linux 6.15+) fires as cap_capable() returns; it has no opts. */
SEC("tp_btf/cap_capable")
int BPF_PROG(cap_capable_btf, const struct cred *cred, struct user_namespace *target_ns,
	     const struct user_namespace *capable_ns, int cap, int ret)
{
	return report(ctx, cap, ret, 0, false);
}

SEC("raw_tp/cap_capable")
int BPF_PROG(cap_capable_raw, const struct cred *cred, struct user_namespace *target_ns,
	     const struct user_namespace *capable_ns, int cap, int ret)
{
	return report(ctx, cap, ret, 0, false);
}

/*
 * The classic record, as its format file lays it out, without CO-RE: a CO-RE
 * read of trace_event_raw_cap_capable would make every kernel older than
 * 6.15 (which lacks the type) relocate against its whole BTF.
 */
struct cap_capable_record {
	__u64 common;
	__u64 cred;
	__u64 target_ns;
	__u64 capable_ns;
	int cap;
	int ret;
};

SEC("tracepoint/capability/cap_capable")
int cap_capable_tp(struct cap_capable_record *ctx)
{
	return report(ctx, ctx->cap, ctx->ret, 0, false);
}

/* Older kernels: the function itself, whose opts say audit and INSETID. */
SEC("fexit/cap_capable")
int BPF_PROG(cap_capable_fexit, const struct cred *cred, struct user_namespace *ns, int cap,
	     unsigned int opts, int ret)
{
	return report(ctx, cap, ret, opts, true);
}

/* Stacks are taken at entry: the return probe's would start at its trampoline. */
SEC("kprobe/cap_capable")
int BPF_KPROBE(cap_capable_kprobe, const struct cred *cred, struct user_namespace *ns, int cap,
	       unsigned int opts)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid(), zero = 0;
	struct cap_event *e = bpf_map_lookup_elem(&scratch, &zero);

	if (!e || !filter_current())
		return 0;
	fill_event(ctx, e, cap, opts, true);
	if (bpf_map_update_elem(&pending, &tid, e, BPF_ANY))
		count_missed();
	return 0;
}

SEC("kretprobe/cap_capable")
int BPF_KRETPROBE(cap_capable_kretprobe, int ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct cap_event *e = bpf_map_lookup_elem(&pending, &tid);

	if (!e)
		return 0;
	e->ret = ret;
	send_event(ctx, e);
	bpf_map_delete_elem(&pending, &tid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

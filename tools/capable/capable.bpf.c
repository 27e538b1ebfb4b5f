// SPDX-License-Identifier: GPL-2.0
/* capable: report capability checks (cap_capable()) with their verdict. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/filter.bpf.h"
#include "capable.h"

#define EVENT_MAX_SIZE (sizeof(struct cap_event))
#include "bpf/stacks.bpf.h"

const volatile bool kernel_stacks = false;
const volatile bool user_stacks = false;
const volatile __u32 unique_by = UNIQUE_OFF;

/* Sized before load: room for the -K/-U stacks, one entry without them. */
STACK_TRACE_MAP(cap_stacks);

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

/* kprobe path: the check's arguments and stacks from entry to return, per thread. */
struct pending_check {
	__s32 cap;
	__u32 opts;
	__s32 kstackid;
	__s32 ustackid;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1); /* sized by user space when the kprobes are used */
	__type(key, __u32);
	__type(value, struct pending_check);
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

static __always_inline void take_stacks(void *ctx, __s32 *kstackid, __s32 *ustackid)
{
	*kstackid = kernel_stacks ? bpf_get_stackid(ctx, &cap_stacks, 0) : -1;
	*ustackid = user_stacks ? bpf_get_stackid(ctx, &cap_stacks, BPF_F_USER_STACK) : -1;
}

/* The check's result, with its stacks when the caller took them (kprobe entry). */
static __always_inline int report(void *ctx, int cap, int ret, __u32 opts, bool has_opts,
				  const struct pending_check *p)
{
	__u64 id = current_ids(); /* as the tool's PID namespace numbers them */
	struct cap_event *e;

	if (seen_before(id >> 32, cap))
		return 0;
	e = event_reserve(sizeof(*e));
	if (!e)
		return 0;
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->cap = cap;
	e->ret = ret;
	e->opts = opts;
	e->has_opts = has_opts;
	if (p) {
		e->kstackid = p->kstackid;
		e->ustackid = p->ustackid;
	} else {
		take_stacks(ctx, &e->kstackid, &e->ustackid);
	}
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	event_submit(ctx, e, sizeof(*e));
	return 0;
}

/* The tracepoint (Linux 6.15+) fires as cap_capable() returns; it has no opts. */
static __always_inline int on_cap_capable_tp(void *ctx, int cap, int ret)
{
	if (!filter_current())
		return 0;
	return report(ctx, cap, ret, 0, false, NULL);
}

SEC("tp_btf/cap_capable")
int BPF_PROG(cap_capable_btf, const struct cred *cred, struct user_namespace *target_ns,
	     const struct user_namespace *capable_ns, int cap, int ret)
{
	return on_cap_capable_tp(ctx, cap, ret);
}

SEC("raw_tp/cap_capable")
int BPF_PROG(cap_capable_raw, const struct cred *cred, struct user_namespace *target_ns,
	     const struct user_namespace *capable_ns, int cap, int ret)
{
	return on_cap_capable_tp(ctx, cap, ret);
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
	return on_cap_capable_tp(ctx, ctx->cap, ctx->ret);
}

/* Older kernels: the function itself, whose opts say audit and INSETID. */
SEC("fexit/cap_capable")
int BPF_PROG(cap_capable_fexit, const struct cred *cred, struct user_namespace *ns, int cap,
	     unsigned int opts, int ret)
{
	if (!filter_current())
		return 0;
	return report(ctx, cap, ret, opts, true, NULL);
}

/* Stacks are taken at entry: the return probe's would start at its trampoline. */
SEC("kprobe/cap_capable")
int BPF_KPROBE(cap_capable_kprobe, const struct cred *cred, struct user_namespace *ns, int cap,
	       unsigned int opts)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct pending_check p = { .cap = cap, .opts = opts };

	if (!filter_current())
		return 0;
	take_stacks(ctx, &p.kstackid, &p.ustackid);
	if (bpf_map_update_elem(&pending, &tid, &p, BPF_ANY))
		count_missed();
	return 0;
}

SEC("kretprobe/cap_capable")
int BPF_KRETPROBE(cap_capable_kretprobe, int ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct pending_check *p = bpf_map_lookup_elem(&pending, &tid);

	if (!p)
		return 0;
	report(ctx, p->cap, ret, p->opts, true, p);
	bpf_map_delete_elem(&pending, &tid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

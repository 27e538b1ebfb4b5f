// SPDX-License-Identifier: GPL-2.0
/*
 * dcsnoop: dcache lookups that miss (d_lookup returns nothing) and, with -a,
 * every path component looked up in the dcache (lookup_fast).  No tracepoint
 * marks them: fentry/fexit on the functions, else kprobe/kretprobe.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/events.bpf.h"
#include "bpf/filter.bpf.h"
#include "dcsnoop.h"

const volatile bool trace_all = false;

/* d_lookup's name between its kprobe and kretprobe, by thread. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, const struct qstr *);
} pending SEC(".maps");

/*
 * A qstr's name points into the path being walked: the component is its
 * first len bytes, the rest of the path follows.
 */
static __always_inline int emit(void *ctx, char type, const struct qstr *q)
{
	const unsigned char *name = BPF_CORE_READ(q, name);
	__u32 len = BPF_CORE_READ(q, len);
	__u64 id = current_ids();
	struct dc_event *e;

	e = event_reserve(sizeof(*e));
	if (!e)
		return 0;
	e->ts_ns = bpf_ktime_get_ns();
	e->pid = id >> 32;
	e->tid = (__u32)id;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->type = type;
	e->truncated = len > DC_NAME_MAX - 1;
	if (e->truncated)
		len = DC_NAME_MAX - 1;
	e->name_len = len;
	bpf_probe_read_kernel(e->name, len & (DC_NAME_MAX - 1), name);
	event_submit(ctx, e, sizeof(*e));
	return 0;
}

static __always_inline int on_lookup_fast(void *ctx, struct nameidata *nd)
{
	if (!trace_all || !filter_current())
		return 0;
	return emit(ctx, 'R', &nd->last);
}

SEC("fentry/lookup_fast")
int BPF_PROG(lookup_fast_fentry, struct nameidata *nd)
{
	return on_lookup_fast(ctx, nd);
}

SEC("kprobe/lookup_fast")
int BPF_KPROBE(lookup_fast_kprobe, struct nameidata *nd)
{
	return on_lookup_fast(ctx, nd);
}

SEC("fexit/d_lookup")
int BPF_PROG(d_lookup_fexit, const struct dentry *parent, const struct qstr *name,
	     struct dentry *ret)
{
	if (ret || !filter_current())
		return 0;
	return emit(ctx, 'M', name);
}

SEC("kprobe/d_lookup")
int BPF_KPROBE(d_lookup_kprobe, const struct dentry *parent, const struct qstr *name)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();

	if (filter_current())
		bpf_map_update_elem(&pending, &tid, &name, BPF_ANY);
	return 0;
}

SEC("kretprobe/d_lookup")
int BPF_KRETPROBE(d_lookup_kretprobe, struct dentry *ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	const struct qstr **name = bpf_map_lookup_elem(&pending, &tid);
	const struct qstr *q;

	if (!name)
		return 0;
	q = *name;
	bpf_map_delete_elem(&pending, &tid);
	return ret ? 0 : emit(ctx, 'M', q);
}

char LICENSE[] SEC("license") = "GPL";

// SPDX-License-Identifier: GPL-2.0
/*
 * gethostlatency: a lookup's host name is read when a resolver function is
 * called and kept per thread until it returns, when its latency is sent.
 * User space attaches the uprobes to the libc each traced process uses.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "bpf/events.bpf.h"
#include "bpf/filter.bpf.h"
#include "gethostlatency.h"

struct pending {
	__u64 ts_ns;
	__u32 func;
	char host[HOST_LEN];
};

/* Thread -> the lookup it is in; LRU: a thread that never returns (longjmp, exit) leaves one. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct pending);
} pending SEC(".maps");

/* Per CPU scratch: the record is too large for the BPF stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pending);
} scratch SEC(".maps");

static __always_inline int on_lookup(const char *host, __u32 func)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid(), zero = 0;
	struct pending *p;

	if (!filter_current())
		return 0;
	p = bpf_map_lookup_elem(&scratch, &zero);
	if (!p)
		return 0;
	p->ts_ns = bpf_ktime_get_ns();
	p->func = func;
	if (bpf_probe_read_user_str(p->host, sizeof(p->host), host) < 0)
		p->host[0] = '\0';
	/* None of the three calls another: one left by a thread that jumped out is replaced. */
	bpf_map_update_elem(&pending, &tid, p, BPF_ANY);
	return 0;
}

/*
 * getaddrinfo() returns an int, 0 on success (the upper half of the register
 * is not part of it); gethostbyname[2]() a pointer, NULL on failure.
 */
SEC("uretprobe")
int BPF_KRETPROBE(lookup_return, long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct gethost_event *e;
	struct pending *p = bpf_map_lookup_elem(&pending, &tid);
	__u64 ids;

	if (!p)
		return 0;
	e = event_reserve(sizeof(*e));
	if (e) {
		ids = current_ids();
		e->lat_ns = bpf_ktime_get_ns() - p->ts_ns;
		e->pid = ids >> 32;
		e->tid = (__u32)ids;
		e->func = p->func;
		e->ok = p->func == FUNC_GETADDRINFO ? (int)ret == 0 : ret != 0;
		bpf_get_current_comm(e->comm, sizeof(e->comm));
		__builtin_memcpy(e->host, p->host, sizeof(e->host));
		event_submit(ctx, e, sizeof(*e));
	}
	bpf_map_delete_elem(&pending, &tid);
	return 0;
}

/* The host name is the first argument of all three; the cookie says which function it is. */
SEC("uprobe")
int BPF_KPROBE(lookup_entry, const char *host)
{
	return on_lookup(host, bpf_get_attach_cookie(ctx));
}

char LICENSE[] SEC("license") = "GPL";

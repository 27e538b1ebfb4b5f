// SPDX-License-Identifier: GPL-2.0
/*
 * solisten: report listen() calls on IPv4 and IPv6 sockets.
 *
 * The call is seen at its exit: the descriptor leads to the socket
 * (bpf/fdfile.bpf.h), which then has its port (a socket listening unbound
 * gets one in listen()) and the backlog the kernel kept.  Where the kernel
 * has bpf_task_pt_regs() (5.15+) the exit alone reads the arguments from the
 * task's saved registers; elsewhere the entry stashes them per thread.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/fdfile.bpf.h"
#include "bpf/filter.bpf.h"
#include "bpf/net.bpf.h"
#include "bpf/syscalls.bpf.h"
#include "solisten.h"

#define EVENT_MAX_SIZE (sizeof(struct listen_event))
#include "bpf/events.bpf.h"

const volatile __u64 filter_netns = 0; /* -n: that network namespace only */

struct listen_args {
	__s32 fd;
	__s32 backlog;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1); /* sized by user space when the entries are traced */
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct listen_args);
} stash SEC(".maps");

/* The bound address of an inet socket, local side (net.bpf.h's tuple reader). */
static __always_inline bool read_bound(struct sock *sk, struct listen_event *e)
{
	struct net_tuple t = {};

	if (!sock_tuple(sk, &t, 0))
		return false;
	e->ip = t.ip;
	e->port = t.lport;
	__builtin_memcpy(e->addr, t.laddr, sizeof(e->addr));
	return true;
}

static __always_inline int report(void *ctx, const struct listen_args *a, long ret)
{
	struct file *f = task_fd_file(bpf_get_current_task_btf(), a->fd);
	struct socket *sock = file_socket(f);
	struct sock *sk = sock ? BPF_CORE_READ(sock, sk) : NULL;
	struct listen_event *e;
	__u64 netns, id;

	if (!sk)
		return 0;
	netns = BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
	if (filter_netns && netns != filter_netns)
		return 0;
	e = event_reserve(sizeof(*e));
	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	if (!read_bound(sk, e)) { /* not IPv4 or IPv6: a unix socket, ... */
		event_discard(e);
		return 0;
	}
	id = current_ids();
	e->ts_ns = bpf_ktime_get_ns();
	e->netns = netns;
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->ret = ret;
	e->backlog = ret ? a->backlog : (__s32)BPF_CORE_READ(sk, sk_max_ack_backlog);
	e->protocol = BPF_CORE_READ(sk, sk_protocol);
	e->type = BPF_CORE_READ(sock, type);
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	event_submit(ctx, e, sizeof(*e));
	return 0;
}

/* Fast path: the exit alone, the arguments from the task's saved registers. */
SEC("tracepoint/syscalls/sys_exit_listen")
int listen_exit_regs(struct syscall_trace_exit *ctx)
{
	struct pt_regs *regs;
	struct listen_args a;

	if (!filter_current())
		return 0;
	regs = (struct pt_regs *)bpf_task_pt_regs(bpf_get_current_task_btf());
	a.fd = SYSCALL_ARG(regs, 1, false);
	a.backlog = SYSCALL_ARG(regs, 2, false);
	return report(ctx, &a, ctx->ret);
}

SEC("tracepoint/syscalls/sys_enter_listen")
int listen_enter(struct syscall_trace_enter *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct listen_args a = { .fd = ctx->args[0], .backlog = ctx->args[1] };

	if (filter_current() && bpf_map_update_elem(&stash, &tid, &a, BPF_ANY))
		count_missed();
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_listen")
int listen_exit(struct syscall_trace_exit *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct listen_args *stashed, a;

	stashed = bpf_map_lookup_elem(&stash, &tid);
	if (!stashed)
		return 0;
	a = *stashed;
	bpf_map_delete_elem(&stash, &tid);
	return report(ctx, &a, ctx->ret);
}

/* Kernels without syscall tracepoints: raw_syscalls' exit, the call picked by number. */
SEC("raw_tp/sys_exit")
int BPF_PROG(sys_exit_raw, struct pt_regs *regs, long ret)
{
	struct listen_args a;

	if (syscall_nr(regs) != __NR_listen || !native_syscall(regs) || !filter_current())
		return 0;
	a.fd = SYSCALL_ARG(regs, 1, true);
	a.backlog = SYSCALL_ARG(regs, 2, true);
	return report(ctx, &a, ret);
}

char LICENSE[] SEC("license") = "GPL";

// SPDX-License-Identifier: GPL-2.0
/*
 * bindsnoop: bind() calls on IPv4 and IPv6 sockets, with the socket's
 * protocol, options and interface.
 *
 * The entry keeps the descriptor and the address argument per thread; the
 * exit finds the socket behind the descriptor (include/bpf/fdfile.bpf.h)
 * and reads what was bound from it, or, for a failed call, what was asked
 * for from the caller's sockaddr (still in its memory).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>

#include "bpf/accept.bpf.h"
#include "bpf/fdfile.bpf.h"
#include "bpf/filter.bpf.h"
#include "bpf/net.bpf.h"
#include "bpf/syscalls.bpf.h"
#include "bindsnoop.h"

#define EVENT_MAX_SIZE (sizeof(struct bind_event))
#include "bpf/events.bpf.h"

const volatile bool filter_failed = false; /* -x: failed binds too */

struct bind_args {
	const void *uaddr;
	__s32 fd;
	__u32 addrlen;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240); /* threads inside bind() at once */
	__type(key, __u32);
	__type(value, struct bind_args);
} stash SEC(".maps");

/* The start of a struct sockaddr_in or sockaddr_in6: family, port, [flowinfo,] address. */
struct sockaddr_head {
	__u16 family;
	__be16 port;
	union {
		__u8 addr4[4];
		struct {
			__u32 flowinfo;
			__u8 addr6[16];
		};
	};
};

static __always_inline int on_enter(__s32 fd, const void *uaddr, __u32 addrlen)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct bind_args a = { .uaddr = uaddr, .fd = fd, .addrlen = addrlen };

	if (!filter_current())
		return 0;
	bpf_map_update_elem(&stash, &tid, &a, BPF_ANY);
	return 0;
}

/* What was bound: the socket's local address and port. */
static __always_inline void bound_endpoint(struct bind_event *e, const struct sock *sk)
{
	if (e->ip == 4)
		bpf_core_read(e->addr, 4, &sk->__sk_common.skc_rcv_saddr);
	else
		bpf_core_read(e->addr, 16, &sk->__sk_common.skc_v6_rcv_saddr);
	e->port = BPF_CORE_READ(sk, __sk_common.skc_num);
}

/* What a failed call asked for: its sockaddr, if it is one of the socket's family. */
static __always_inline void asked_endpoint(struct bind_event *e, const struct bind_args *a)
{
	struct sockaddr_head sa = {};
	__u32 len = e->ip == 4 ? 8 : sizeof(sa);

	if (a->addrlen < len || bpf_probe_read_user(&sa, len, a->uaddr))
		return;
	if (sa.family != (e->ip == 4 ? AF_INET : AF_INET6))
		return;
	if (e->ip == 4)
		__builtin_memcpy(e->addr, sa.addr4, 4);
	else
		__builtin_memcpy(e->addr, sa.addr6, 16);
	e->port = bpf_ntohs(sa.port);
}

static __always_inline int report(void *ctx, const struct bind_args *a, long ret)
{
	struct file *f = task_fd_file((struct task_struct *)bpf_get_current_task(), a->fd);
	const struct sock *sk = file_sock(f);
	struct bind_event *e;
	__u16 family;
	__u64 id;

	if (!sk)
		return 0;
	family = BPF_CORE_READ(sk, __sk_common.skc_family);
	if (family != AF_INET && family != AF_INET6)
		return 0;
	e = event_reserve(sizeof(*e));
	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	e->ip = family == AF_INET ? 4 : 6;
	if (ret == 0)
		bound_endpoint(e, sk);
	else
		asked_endpoint(e, a);
	if (!port_wanted(e->port)) {
		event_discard(e);
		return 0;
	}
	id = current_ids(); /* numbered as -p takes them (the tool's PID namespace) */
	e->ts_ns = bpf_ktime_get_ns();
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->ret = ret;
	e->bound_dev_if = BPF_CORE_READ(sk, __sk_common.skc_bound_dev_if);
	e->proto = sock_protocol(sk);
	e->opts = sock_bind_opts(sk);
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	event_submit(ctx, e, sizeof(*e));
	return 0;
}

static __always_inline int on_exit(void *ctx, long ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct bind_args *stashed, a;

	stashed = bpf_map_lookup_elem(&stash, &tid);
	if (!stashed)
		return 0;
	a = *stashed;
	bpf_map_delete_elem(&stash, &tid);
	if (ret != 0 && !filter_failed)
		return 0;
	return report(ctx, &a, ret);
}

SEC("tracepoint/syscalls/sys_enter_bind")
int bind_enter(struct syscall_trace_enter *ctx)
{
	return on_enter(ctx->args[0], (const void *)ctx->args[1], ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_exit_bind")
int bind_exit(struct syscall_trace_exit *ctx)
{
	return on_exit(ctx, ctx->ret);
}

/* Kernels without syscall tracepoints: raw_syscalls, bind() picked by number. */
SEC("raw_tp/sys_enter")
int BPF_PROG(sys_enter_raw, struct pt_regs *regs, long nr)
{
	if (nr != __NR_bind || !native_syscall(regs))
		return 0;
	return on_enter(SYSCALL_ARG(regs, 1, true), (const void *)SYSCALL_ARG(regs, 2, true),
			SYSCALL_ARG(regs, 3, true));
}

SEC("raw_tp/sys_exit")
int BPF_PROG(sys_exit_raw, struct pt_regs *regs, long ret)
{
	if (syscall_nr(regs) != __NR_bind)
		return 0;
	return on_exit(ctx, ret);
}

char LICENSE[] SEC("license") = "GPL";

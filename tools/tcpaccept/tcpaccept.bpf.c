// SPDX-License-Identifier: GPL-2.0
/*
 * tcpaccept: TCP connections as accept() and accept4() return them.
 *
 * At the syscall's exit the returned descriptor leads to the new socket
 * (include/bpf/fdfile.bpf.h), read in the accepting process's context.
 * Kernels without syscall hooks fall back to the end of the handshake
 * (sock:inet_sock_set_state SYN_RECV -> ESTABLISHED), which runs in softirq
 * context: the connection is known there, the process that will accept it
 * is not.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/accept.bpf.h"
#include "bpf/fdfile.bpf.h"
#include "bpf/filter.bpf.h"
#include "bpf/net.bpf.h"
#include "bpf/syscalls.bpf.h"
#include "tcpaccept.h"

#define EVENT_MAX_SIZE (sizeof(struct accept_event))
#include "bpf/events.bpf.h"

#define TCP_ESTABLISHED_STATE 1
#define TCP_SYN_RECV_STATE    3

const volatile __u8 filter_ip = 0; /* -4/-6 (lib/opts.c): only that family; 0: both */

/* Report sk if it is a TCP socket of the wanted family and port; fd < 0: no process. */
static __always_inline int report(void *ctx, const struct sock *sk, int fd)
{
	struct net_tuple t = {};
	struct accept_event *e;
	__u64 id;

	if (!sk || sock_protocol(sk) != IPPROTO_TCP || !sock_tuple(sk, &t, filter_ip))
		return 0;
	if (!port_wanted(t.lport))
		return 0;
	e = event_reserve(sizeof(*e));
	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	e->ts_ns = bpf_ktime_get_ns();
	e->t = t;
	e->fd = fd;
	if (fd >= 0) {
		id = current_ids(); /* numbered as -p takes them (the tool's PID namespace) */
		e->pid = id >> 32;
		e->tid = (__u32)id;
		e->uid = (__u32)bpf_get_current_uid_gid();
		bpf_get_current_comm(e->comm, sizeof(e->comm));
	}
	event_submit(ctx, e, sizeof(*e));
	return 0;
}

/* accept()/accept4() returned ret: the socket behind that descriptor. */
static __always_inline int on_accept_exit(void *ctx, long ret)
{
	struct file *f;

	if (ret < 0 || !filter_current())
		return 0;
	f = task_fd_file((struct task_struct *)bpf_get_current_task(), ret);
	return report(ctx, file_sock(f), ret);
}

SEC("tracepoint/syscalls/sys_exit_accept4")
int accept4_exit(struct syscall_trace_exit *ctx)
{
	return on_accept_exit(ctx, ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_accept")
int accept_exit(struct syscall_trace_exit *ctx)
{
	return on_accept_exit(ctx, ctx->ret);
}

/* Kernels without syscall tracepoints: raw_syscalls' exit of every call, picked by number. */
SEC("raw_tp/sys_exit")
int BPF_PROG(sys_exit_raw, struct pt_regs *regs, long ret)
{
	long nr = syscall_nr(regs);

#ifdef __NR_accept
	if (nr != __NR_accept && nr != __NR_accept4)
		return 0;
#else
	if (nr != __NR_accept4)
		return 0;
#endif
	if (!native_syscall(regs))
		return 0;
	return on_accept_exit(ctx, ret);
}

/* No syscall hooks at all: a passive open completing its handshake. */
static __always_inline int on_set_state(void *ctx, const struct sock *sk, int oldstate,
					int newstate)
{
	if (oldstate != TCP_SYN_RECV_STATE || newstate != TCP_ESTABLISHED_STATE)
		return 0;
	return report(ctx, sk, -1);
}

INET_SOCK_SET_STATE_PROGS(on_set_state)

char LICENSE[] SEC("license") = "GPL";

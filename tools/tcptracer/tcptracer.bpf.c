// SPDX-License-Identifier: GPL-2.0
/*
 * tcptracer: TCP connects, accepts and closes, with the task that made each.
 *
 * All from stable hooks: sock:inet_sock_set_state for connect and close, the
 * exit of accept()/accept4() for accept.
 *  - connect: CLOSE -> SYN_SENT runs inside connect(), in the caller's
 *    context: the caller is noted per socket; the event is sent at
 *    SYN_SENT -> ESTABLISHED, when the local port is known (a failed connect
 *    is forgotten, as upstream's tcptracer does).
 *  - close: tcp_close() changes the state (to FIN_WAIT1, LAST_ACK or CLOSE,
 *    or to the same state) in the closer's context, while __fput() releases
 *    the socket's file, its reference count gone, and before sock_orphan()
 *    unlinks the file: that count marks a state change made by close(), never
 *    one made by shutdown() or by a packet.  A socket the kernel closed
 *    while the task held it (reset by the peer; shut down both ways and
 *    finished) changes no state at close(): it is noted at its CLOSE, and
 *    the close is seen when tcp_close() destroys it, in the closer's
 *    context (tcp:tcp_destroy_sock, Linux 5.3; without it such closes are
 *    not seen).
 *  - accept: the new descriptor at the syscall's exit, through the task's
 *    file table (include/bpf/fdfile.bpf.h).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/fdfile.bpf.h"
#include "bpf/filter.bpf.h"
#include "bpf/net.bpf.h"
#include "bpf/syscalls.bpf.h"
#include "bpf/tracer.bpf.h"
#include "tcptracer.h"

#define EVENT_MAX_SIZE (sizeof(struct tracer_event))
#include "bpf/events.bpf.h"

const volatile __u8 filter_ip = 0;     /* -4/-6 (lib/opts.c); 0: both */
const volatile __u32 filter_netns = 0; /* -N: network namespace inode; 0: any */

/* Connecting sockets (the struct sock's address) and who connects them. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, struct tracer_owner);
} connecting SEC(".maps");

/* Sockets the kernel closed while a task still holds them (the value is unused). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 10240);
	__type(key, __u64);
	__type(value, __u8);
} closed_held SEC(".maps");

static __always_inline void owner_current(struct tracer_owner *o)
{
	o->pid = current_ids() >> 32; /* as -p takes it (the tool's PID namespace) */
	o->uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(o->comm, sizeof(o->comm));
}

static __always_inline bool sock_wanted(const struct sock *sk, __u32 *netns)
{
	if (!sock_is_tcp(sk))
		return false;
	*netns = sock_netns(sk);
	return !filter_netns || *netns == filter_netns;
}

static __always_inline bool addr_zero(const __u8 *a, __u8 ip)
{
	const __u32 *w = (const void *)a;

	return ip == 4 ? !w[0] : !(w[0] | w[1] | w[2] | w[3]);
}

/* Send an event for sk; like upstream, not for a tuple with a zero port or address. */
static __always_inline void report(void *ctx, const struct sock *sk, __u32 netns, __u8 type,
				   const struct tracer_owner *who)
{
	struct tracer_event *e;
	struct net_tuple t = {};

	if (!sock_tuple(sk, &t, filter_ip))
		return;
	if (!t.lport || !t.rport || addr_zero(t.laddr, t.ip) || addr_zero(t.raddr, t.ip))
		return;
	e = event_reserve(sizeof(*e));
	if (!e)
		return;
	__builtin_memset(e, 0, sizeof(*e));
	e->ts_ns = bpf_ktime_get_ns();
	e->t = t;
	e->who = *who;
	e->netns = netns;
	e->type = type;
	event_submit(ctx, e, sizeof(*e));
}

static __always_inline bool close_transition(int oldstate, int newstate)
{
	/* Never established: upstream reports no close for these either. */
	if (oldstate == TCP_LISTEN || oldstate == TCP_SYN_SENT || oldstate == TCP_SYN_RECV ||
	    oldstate == TCP_NEW_SYN_RECV)
		return false;
	return newstate == oldstate || newstate == TCP_FIN_WAIT1 || newstate == TCP_LAST_ACK ||
	       newstate == TCP_CLOSE;
}

static __always_inline void on_syn_sent(const struct sock *sk)
{
	struct tracer_owner o;
	__u64 key = (__u64)sk;
	__u32 netns;

	bpf_map_delete_elem(&closed_held, &key); /* connect() again after a reset */
	if (!filter_current() || !sock_wanted(sk, &netns))
		return;
	owner_current(&o);
	bpf_map_update_elem(&connecting, &key, &o, BPF_ANY);
}

static __always_inline void on_connected(void *ctx, const struct sock *sk, int newstate)
{
	__u64 key = (__u64)sk;
	struct tracer_owner *o, who;
	__u32 netns;

	o = bpf_map_lookup_elem(&connecting, &key);
	if (!o)
		return;
	who = *o;
	bpf_map_delete_elem(&connecting, &key);
	if (newstate == TCP_ESTABLISHED && sock_wanted(sk, &netns))
		report(ctx, sk, netns, TRACER_CONNECT, &who);
}

/* In the closer's context. */
static __always_inline void report_close(void *ctx, const struct sock *sk)
{
	struct tracer_owner who;
	__u32 netns;

	if (!filter_current() || !sock_wanted(sk, &netns))
		return;
	owner_current(&who);
	report(ctx, sk, netns, TRACER_CLOSE, &who);
}

static __always_inline void on_close(void *ctx, const struct sock *sk)
{
	if (sock_file_released(sk))
		report_close(ctx, sk);
}

/* An established connection the kernel closed (in softirq, mostly) while its file is open. */
static __always_inline void on_closed_held(const struct sock *sk, int oldstate)
{
	struct file *f = BPF_CORE_READ(sk, sk_socket, file);
	__u64 key = (__u64)sk;
	__u8 one = 1;

	if (oldstate == TCP_LISTEN || oldstate == TCP_SYN_SENT || oldstate == TCP_SYN_RECV ||
	    oldstate == TCP_NEW_SYN_RECV || oldstate == TCP_CLOSE)
		return;
	if (f && !file_released(f) && sock_is_tcp(sk))
		bpf_map_update_elem(&closed_held, &key, &one, BPF_ANY);
}

static __always_inline int on_set_state(void *ctx, const struct sock *sk, int oldstate,
					int newstate)
{
	if (oldstate == TCP_CLOSE && newstate == TCP_SYN_SENT)
		on_syn_sent(sk);
	else if (oldstate == TCP_SYN_SENT)
		on_connected(ctx, sk, newstate);
	else if (close_transition(oldstate, newstate))
		on_close(ctx, sk);
	if (newstate == TCP_CLOSE && oldstate != newstate)
		on_closed_held(sk, oldstate);
	return 0;
}

INET_SOCK_SET_STATE_PROGS(on_set_state)

/* tcp_close() destroys a socket the kernel had closed: the close() of a noted one. */
static __always_inline int on_destroy(void *ctx, const struct sock *sk)
{
	__u64 key = (__u64)sk;

	if (!bpf_map_lookup_elem(&closed_held, &key))
		return 0;
	bpf_map_delete_elem(&closed_held, &key);
	report_close(ctx, sk);
	return 0;
}

SEC("tp_btf/tcp_destroy_sock")
int BPF_PROG(destroy_btf, const struct sock *sk)
{
	return on_destroy(ctx, sk);
}

SEC("raw_tp/tcp_destroy_sock")
int BPF_PROG(destroy_raw, const struct sock *sk)
{
	return on_destroy(ctx, sk);
}

SEC("tracepoint/tcp/tcp_destroy_sock")
int destroy_tp(struct trace_event_raw_tcp_event_sk *ctx)
{
	return on_destroy(ctx, ctx->skaddr);
}

/* The socket accept() returned as descriptor fd. */
static __always_inline int on_accept(void *ctx, long fd)
{
	struct task_struct *task = (void *)bpf_get_current_task();
	struct tracer_owner who;
	struct sock *sk;
	__u32 netns;

	if (fd < 0 || !filter_current())
		return 0;
	sk = file_sock(task_fd_file(task, fd));
	if (!sk || !sock_wanted(sk, &netns))
		return 0;
	owner_current(&who);
	report(ctx, sk, netns, TRACER_ACCEPT, &who);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_accept")
int accept_exit(struct syscall_trace_exit *ctx)
{
	return on_accept(ctx, ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_accept4")
int accept4_exit(struct syscall_trace_exit *ctx)
{
	return on_accept(ctx, ctx->ret);
}

/* Kernels without syscall tracepoints: every call's exit, accepts picked by number. */
SEC("raw_tp/sys_exit")
int BPF_PROG(sys_exit_raw, struct pt_regs *regs, long ret)
{
	long nr = syscall_nr(regs);

	if (nr != __NR_accept4 && nr != __NR_accept)
		return 0;
	if (!native_syscall(regs))
		return 0;
	return on_accept(ctx, ret);
}

char LICENSE[] SEC("license") = "GPL";

// SPDX-License-Identifier: GPL-2.0
/*
 * tcplife: TCP sessions from their first state to TCP_CLOSE, with the bytes
 * each way and the process that had them.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/fdfile.bpf.h"
#include "bpf/filter.bpf.h"
#include "bpf/life.bpf.h"
#include "bpf/missed.bpf.h"
#include "bpf/net.bpf.h"
#include "bpf/syscalls.bpf.h"
#include "tcplife.h"

#define EVENT_MAX_SIZE (sizeof(struct life_event))
#include "bpf/events.bpf.h"

const volatile __u8 filter_ip = 0; /* -4/-6 (lib/opts.c) */

/* A session being followed: its birth, and who had it once that is known. */
struct life_start {
	__u64 ts_ns;
	__u32 pid;
	__u32 owned; /* pid and comm set */
	char comm[TASK_COMM_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_SOCKS);
	__type(key, __u64); /* the struct sock */
	__type(value, struct life_start);
} starts SEC(".maps");

/* sk_protocol was a bitfield before 5.6; the probed read takes either layout. */
static __always_inline bool sock_is_tcp(const struct sock *sk)
{
	return BPF_CORE_READ_BITFIELD_PROBED(sk, sk_protocol) == IPPROTO_TCP;
}

static __always_inline bool family_wanted(const struct sock *sk)
{
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);

	if (family == AF_INET)
		return filter_ip != 6;
	return family == AF_INET6 && filter_ip != 4;
}

static __always_inline void set_owner(struct life_start *s)
{
	s->pid = current_ids() >> 32;
	bpf_get_current_comm(s->comm, sizeof(s->comm));
	s->owned = 1;
}

/*
 * SYN_SENT, SYN_RECV, ESTABLISHED: the first one seen is the birth (a new
 * life replaces what was kept for the address).  SYN_SENT runs in connect(),
 * in the process that opens the session.
 */
static __always_inline int on_open(const struct sock *sk, int oldstate, int newstate)
{
	struct life_start init = {};
	__u64 key = (__u64)sk;
	bool begins = life_begins(oldstate, newstate);
	long err;

	if (!begins && bpf_map_lookup_elem(&starts, &key))
		return 0;
	init.ts_ns = bpf_ktime_get_ns();
	if (newstate == TCP_SYN_SENT)
		set_owner(&init);
	err = bpf_map_update_elem(&starts, &key, &init, begins ? BPF_ANY : BPF_NOEXIST);
	if (err && err != -EEXIST)
		count_missed();
	return 0;
}

/*
 * FIN_WAIT1 and LAST_ACK are entered only by close() or shutdown(), in the
 * process that has the socket: the owner of a session accepted by a server
 * when its accept() was not seen (io_uring, a session open before the trace).
 */
static __always_inline int on_user_close(const struct sock *sk)
{
	__u64 key = (__u64)sk;
	struct life_start *s = bpf_map_lookup_elem(&starts, &key);

	if (s && !s->owned)
		set_owner(s);
	return 0;
}

static __always_inline bool owner_wanted(__u32 pid)
{
	return !(self_tgid && pid == self_tgid) && ids_match(pid, 0);
}

static __always_inline int on_close(void *ctx, const struct sock *sk)
{
	const struct tcp_sock *tp = (const void *)sk;
	__u64 key = (__u64)sk, now = bpf_ktime_get_ns();
	struct life_start *s = bpf_map_lookup_elem(&starts, &key);
	struct life_start start;
	struct net_tuple t = {};
	struct life_event *e;

	if (!s)
		return 0; /* born before the trace began */
	start = *s;
	bpf_map_delete_elem(&starts, &key);
	/* Closed before any close() was seen (a reset): the task running now, as upstream. */
	if (!start.owned)
		set_owner(&start);
	if (!owner_wanted(start.pid) || !sock_tuple(sk, &t, filter_ip) ||
	    !ports_match(t.lport, t.rport))
		return 0;
	e = event_reserve(sizeof(*e));
	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	e->ts_ns = now;
	e->span_ns = now - start.ts_ns;
	e->tx_bytes = BPF_CORE_READ(tp, bytes_acked);
	e->rx_bytes = BPF_CORE_READ(tp, bytes_received);
	e->flow = t;
	e->pid = start.pid;
	__builtin_memcpy(e->comm, start.comm, sizeof(e->comm));
	event_submit(ctx, e, sizeof(*e));
	return 0;
}

static __always_inline int on_set_state(void *ctx, const struct sock *sk, int oldstate,
					int newstate)
{
	if (!sk || !sock_is_tcp(sk) || !family_wanted(sk))
		return 0;
	if (newstate < TCP_FIN_WAIT1)
		return on_open(sk, oldstate, newstate);
	if (newstate == TCP_FIN_WAIT1 || newstate == TCP_LAST_ACK)
		return on_user_close(sk);
	if (newstate == TCP_CLOSE)
		return on_close(ctx, sk);
	return 0;
}

/* accept() and accept4() return the descriptor of an accepted session: its owner. */
static __always_inline int on_accept_exit(long fd)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct life_start *s;
	__u64 key;

	if (fd < 0)
		return 0;
	key = (__u64)file_sock(task_fd_file(t, fd));
	s = key ? bpf_map_lookup_elem(&starts, &key) : NULL;
	if (s)
		set_owner(s);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_accept4")
int accept4_exit(struct syscall_trace_exit *ctx)
{
	return on_accept_exit(ctx->ret);
}

SEC("tracepoint/syscalls/sys_exit_accept")
int accept_exit(struct syscall_trace_exit *ctx)
{
	return on_accept_exit(ctx->ret);
}

/* Kernels without syscall tracepoints: raw_syscalls, the two calls picked by number. */
SEC("raw_tp/sys_exit")
int BPF_PROG(accept_sys_exit_raw, struct pt_regs *regs, long ret)
{
	long nr = syscall_nr(regs);

	if ((nr != __NR_accept4 && nr != __NR_accept) || !native_syscall(regs))
		return 0;
	return on_accept_exit(ret);
}

INET_SOCK_SET_STATE_PROGS(on_set_state)

char LICENSE[] SEC("license") = "GPL";

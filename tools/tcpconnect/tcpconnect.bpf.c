// SPDX-License-Identifier: GPL-2.0
/*
 * tcpconnect: report active TCP opens (or count them) with the process that
 * made them.
 *
 * The connect is seen where the socket goes CLOSE -> SYN_SENT, in the
 * connecting task.  The local port is not chosen yet there, so when it is
 * wanted (-L, -s) the event waits in `pending` until the port is known: at
 * the exit of the connect() call of the same thread, or when the socket
 * leaves SYN_SENT (connects that are not a connect() call: io_uring, the
 * kernel's own).  Where fexit (else kprobes) work, tcp_v4_connect() and
 * tcp_v6_connect() returning give everything at once instead.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>

#include "bpf/connect.bpf.h"
#include "bpf/filter.bpf.h"
#include "bpf/maps.bpf.h"
#include "bpf/net.bpf.h"
#include "bpf/syscalls.bpf.h"
#include "ports.h"
#include "tcpconnect.h"

#define EVENT_MAX_SIZE (sizeof(struct connect_event))
#include "bpf/events.bpf.h"

const volatile __u8 filter_ip = 0;	  /* -4/-6 (lib/opts.c) */
const volatile bool want_lport = false;	  /* -L, -s: wait for the local port */
const volatile bool count_mode = false;	  /* -c */
const volatile bool count_lport = false;  /* -c -s: per local port too */
const volatile bool filter_ports = false; /* -P: only ports in filter_port_bits */
const volatile unsigned char filter_port_bits[PORT_SET_BYTES] = {};

/* -c: connects per address pair and port, counted here. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_FLOWS);
	__type(key, struct net_tuple);
	__type(value, __u64);
} counts SEC(".maps");

/* Connects waiting for their local port, by socket. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_PENDING);
	__type(key, __u64);
	__type(value, struct connect_event);
} pending SEC(".maps");

/* The socket a thread's connect() is connecting (sized to the threads by user space). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u64);
} connecting SEC(".maps");

static const __u64 zero_count;

static __always_inline bool port_wanted(__u16 port)
{
	return !filter_ports || port_in(filter_port_bits, port);
}

static __always_inline void count_connect(const struct connect_event *e)
{
	struct net_tuple key = e->t;
	__u64 *n;

	if (!count_lport)
		key.lport = 0;
	n = map_lookup_or_init(&counts, &key, &zero_count);
	if (n)
		__sync_fetch_and_add(n, 1);
	else
		count_missed();
}

static __always_inline void report(void *ctx, const struct connect_event *e)
{
	if (count_mode)
		count_connect(e);
	else
		event_output(ctx, (void *)e, sizeof(*e));
}

/* The connecting task and its socket's addresses; false when a filter says no. */
static __always_inline bool connect_event_fill(struct connect_event *e, const struct sock *sk)
{
	__u64 id;

	if (!filter_current())
		return false;
	__builtin_memset(e, 0, sizeof(*e));
	if (!sock_tuple(sk, &e->t, filter_ip) || !port_wanted(e->t.rport))
		return false;
	id = current_ids();
	e->ts_ns = bpf_ktime_get_ns();
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	return true;
}

static __always_inline int on_syn_sent(void *ctx, struct sock *sk)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 key = (__u64)sk;
	struct connect_event e;

	if (!connect_event_fill(&e, sk))
		return 0;
	e.t.lport = 0; /* a port bound before connect(): read with the others, if wanted */
	if (want_lport && !bpf_map_update_elem(&pending, &key, &e, BPF_ANY)) {
		bpf_map_update_elem(&connecting, &tid, &key, BPF_ANY);
		return 0;
	}
	report(ctx, &e); /* no room to wait: without the port */
	return 0;
}

/* The port is known: the first to take the pending event reports it. */
static __always_inline void report_pending(void *ctx, __u64 key)
{
	struct connect_event *p = bpf_map_lookup_elem(&pending, &key);
	struct connect_event e;

	if (!p)
		return;
	e = *p;
	if (bpf_map_delete_elem(&pending, &key))
		return; /* another CPU took it */
	e.t.lport = sock_connect_port((const struct sock *)key);
	report(ctx, &e);
}

static __always_inline int on_state(void *ctx, struct sock *sk, int old, int new)
{
	if (old == TCP_CLOSE && new == TCP_SYN_SENT)
		return on_syn_sent(ctx, sk);
	if (want_lport && old == TCP_SYN_SENT)
		report_pending(ctx, (__u64)sk);
	return 0;
}

INET_SOCK_SET_STATE_TCP_PROGS(on_state)

static __always_inline int on_connect_exit(void *ctx)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 *sk = bpf_map_lookup_elem(&connecting, &tid);
	__u64 key;

	if (!sk)
		return 0;
	key = *sk;
	bpf_map_delete_elem(&connecting, &tid);
	report_pending(ctx, key);
	return 0;
}

SEC("tracepoint/syscalls/sys_exit_connect")
int connect_exit(struct syscall_trace_exit *ctx)
{
	return on_connect_exit(ctx);
}

/* Kernels without syscall tracepoints: every syscall's exit, connect() picked by number. */
SEC("raw_tp/sys_exit")
int BPF_PROG(sys_exit_raw, struct pt_regs *regs, long ret)
{
	if (syscall_nr(regs) != __NR_connect || !native_syscall(regs))
		return 0;
	return on_connect_exit(ctx);
}

/* fexit: the connect has its port when tcp_vX_connect() returns (0: SYN sent). */
static __always_inline int on_connect_return(void *ctx, struct sock *sk, int ret)
{
	struct connect_event e;

	if (ret || !connect_event_fill(&e, sk))
		return 0;
	e.t.lport = sock_connect_port(sk);
	report(ctx, &e);
	return 0;
}

SEC("fexit/tcp_v4_connect")
int BPF_PROG(v4_connect_fexit, struct sock *sk, struct sockaddr *uaddr, int addr_len, int ret)
{
	/* tcp_v6_connect() calls it for a v4-mapped address: reported at its own return. */
	if (BPF_CORE_READ(sk, __sk_common.skc_family) != AF_INET)
		return 0;
	return on_connect_return(ctx, sk, ret);
}

SEC("fexit/tcp_v6_connect")
int BPF_PROG(v6_connect_fexit, struct sock *sk, struct sockaddr *uaddr, int addr_len, int ret)
{
	return on_connect_return(ctx, sk, ret);
}

/* Kernels with kprobes but no fexit: the socket kept from entry to return, by thread. */
static __always_inline int on_connect_entry(struct sock *sk)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 key = (__u64)sk;

	bpf_map_update_elem(&connecting, &tid, &key, BPF_ANY);
	return 0;
}

/*
 * A v4-mapped connect through tcp_v6_connect() returns from tcp_v4_connect()
 * first, with the port chosen: it is reported there, and only once.
 */
static __always_inline int on_connect_kret(void *ctx, int ret)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	__u64 *sk = bpf_map_lookup_elem(&connecting, &tid);
	__u64 key;

	if (!sk)
		return 0;
	key = *sk;
	bpf_map_delete_elem(&connecting, &tid);
	return on_connect_return(ctx, (struct sock *)key, ret);
}

SEC("kprobe/tcp_v4_connect")
int BPF_KPROBE(v4_connect_kprobe, struct sock *sk)
{
	if (BPF_CORE_READ(sk, __sk_common.skc_family) != AF_INET)
		return 0; /* the entry of tcp_v6_connect() kept it */
	return on_connect_entry(sk);
}

SEC("kretprobe/tcp_v4_connect")
int BPF_KRETPROBE(v4_connect_kretprobe, int ret)
{
	return on_connect_kret(ctx, ret);
}

SEC("kprobe/tcp_v6_connect")
int BPF_KPROBE(v6_connect_kprobe, struct sock *sk)
{
	return on_connect_entry(sk);
}

SEC("kretprobe/tcp_v6_connect")
int BPF_KRETPROBE(v6_connect_kretprobe, int ret)
{
	return on_connect_kret(ctx, ret);
}

char LICENSE[] SEC("license") = "GPL";

// SPDX-License-Identifier: GPL-2.0
/*
 * tcptop: bytes each process sends and receives on each TCP connection,
 * counted in the kernel per interval.  sock:sock_send_length and
 * sock_recv_length (Linux 6.3) report what sendmsg()/recvmsg() returned, in
 * the caller's context; older kernels take tcp_sendmsg() (its result, with
 * fexit; the size asked for, with a kprobe) and tcp_cleanup_rbuf() (the bytes
 * copied to the reader).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/filter.bpf.h"
#include "bpf/maps.bpf.h"
#include "bpf/missed.bpf.h"
#include "bpf/net.bpf.h"
#include "tcptop.h"

#define IPPROTO_TCP 6
#define MSG_PEEK    2

const volatile __u8 filter_ip = 0; /* -4/-6 (lib/opts.c): only that family; 0: both */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_FLOWS);
	__type(key, struct flow_key);
	__type(value, struct flow_bytes);
} flows SEC(".maps");

static const struct flow_bytes zero_bytes;

/* bytes moved by the current task on TCP socket sk: received (rx) or sent. */
static __always_inline int count_bytes(struct sock *sk, long bytes, bool rx)
{
	struct flow_key key = {};
	struct flow_bytes *v;

	if (bytes <= 0 || !sk || !filter_current())
		return 0;
	if (!sock_tuple(sk, &key.t, filter_ip))
		return 0;
	key.pid = current_ids() >> 32;
	bpf_get_current_comm(key.comm, sizeof(key.comm));
	v = map_lookup_or_init(&flows, &key, &zero_bytes);
	if (!v) {
		count_missed(); /* more flows than MAX_FLOWS in an interval */
		return 0;
	}
	if (rx)
		__sync_fetch_and_add(&v->rx, bytes);
	else
		__sync_fetch_and_add(&v->tx, bytes);
	return 0;
}

/* The socket-layer tracepoints see every protocol: keep TCP, and skip peeks (data left queued). */
static __always_inline int on_length(struct sock *sk, int ret, int flags, bool rx)
{
	if (ret <= 0 || !sk || BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
		return 0;
	if (rx && (flags & MSG_PEEK))
		return 0;
	return count_bytes(sk, ret, rx);
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(send_btf, struct sock *sk, int ret, int flags)
{
	return on_length(sk, ret, flags, false);
}

SEC("raw_tp/sock_send_length")
int BPF_PROG(send_raw, struct sock *sk, int ret, int flags)
{
	return on_length(sk, ret, flags, false);
}

SEC("tp_btf/sock_recv_length")
int BPF_PROG(recv_btf, struct sock *sk, int ret, int flags)
{
	return on_length(sk, ret, flags, true);
}

SEC("raw_tp/sock_recv_length")
int BPF_PROG(recv_raw, struct sock *sk, int ret, int flags)
{
	return on_length(sk, ret, flags, true);
}

/* The sock:sock_{send,recv}_length record (Linux 6.3 on). */
struct length_record {
	__u64 common;
	struct sock *sk;
	__u16 family;
	__u16 protocol;
	int ret;
	int flags;
};

static __always_inline int on_length_tp(const struct length_record *r, bool rx)
{
	if (r->protocol != IPPROTO_TCP || r->ret <= 0 || (rx && (r->flags & MSG_PEEK)))
		return 0;
	return count_bytes(r->sk, r->ret, rx);
}

SEC("tracepoint/sock/sock_send_length")
int send_tp(struct length_record *ctx)
{
	return on_length_tp(ctx, false);
}

SEC("tracepoint/sock/sock_recv_length")
int recv_tp(struct length_record *ctx)
{
	return on_length_tp(ctx, true);
}

/* Before the tracepoints: TCP's own send and receive functions. */
SEC("fexit/tcp_sendmsg")
int BPF_PROG(send_fexit, struct sock *sk, struct msghdr *msg, size_t size, int ret)
{
	return count_bytes(sk, ret, false);
}

SEC("kprobe/tcp_sendmsg")
int BPF_KPROBE(send_kprobe, struct sock *sk, struct msghdr *msg, size_t size)
{
	return count_bytes(sk, size, false);
}

SEC("fentry/tcp_cleanup_rbuf")
int BPF_PROG(recv_fentry, struct sock *sk, int copied)
{
	return count_bytes(sk, copied, true);
}

SEC("kprobe/tcp_cleanup_rbuf")
int BPF_KPROBE(recv_kprobe, struct sock *sk, int copied)
{
	return count_bytes(sk, copied, true);
}

char LICENSE[] SEC("license") = "GPL";

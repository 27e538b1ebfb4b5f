// SPDX-License-Identifier: GPL-2.0
/*
 * tcpsubnet: TCP bytes sent, summed per destination subnet in the kernel.
 *
 * sock:sock_send_length (Linux 6.3) gives the bytes each sendmsg() really
 * queued; before it, fexit on tcp_sendmsg() gives the same, and a kprobe on
 * it the bytes asked for (what BCC's tcpsubnet counts).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/filter.bpf.h"
#include "bpf/missed.bpf.h"
#include "bpf/net.bpf.h"
#include "bpf/tracer.bpf.h"
#include "tcpsubnet.h"

/* In the order given: a send counts for the first subnet its destination is in. */
const volatile struct subnet subnets[MAX_SUBNETS] = {};
const volatile __u32 nsubnets = 0;

/* Bytes sent to each subnet since the start (user space prints the differences). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_SUBNETS);
	__type(key, __u32);
	__type(value, __u64);
} sent SEC(".maps");

/* The destination of sk, an IPv4-mapped IPv6 address as IPv4; its family, or 0. */
static __always_inline __u8 sock_dest(const struct sock *sk, __u32 dst[4])
{
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);

	if (family == AF_INET) {
		dst[0] = BPF_CORE_READ(sk, __sk_common.skc_daddr);
		return 4;
	}
	if (family != AF_INET6 || !bpf_core_field_exists(sk->__sk_common.skc_v6_daddr))
		return 0;
	bpf_core_read(dst, 16, &sk->__sk_common.skc_v6_daddr);
	if (!dst[0] && !dst[1] && dst[2] == bpf_htonl(0xffff)) {
		dst[0] = dst[3];
		return 4;
	}
	return 6;
}

static __always_inline bool in_subnet(const volatile struct subnet *s, const __u32 dst[4], __u8 ip)
{
	const volatile __u32 *a = (const volatile __u32 *)s->addr;
	const volatile __u32 *m = (const volatile __u32 *)s->mask;

	if (s->ip != ip)
		return false;
	if ((dst[0] & m[0]) != a[0])
		return false;
	return ip == 4 ||
	       ((dst[1] & m[1]) == a[1] && (dst[2] & m[2]) == a[2] && (dst[3] & m[3]) == a[3]);
}

static __always_inline int on_send(const struct sock *sk, long bytes)
{
	__u32 dst[4] = {};
	__u64 *total;
	__u32 i;
	__u8 ip;

	if (bytes <= 0 || !sk || !sock_is_tcp(sk) || !filter_current())
		return 0;
	ip = sock_dest(sk, dst);
	if (!ip)
		return 0;
	for (i = 0; i < MAX_SUBNETS && i < nsubnets; i++) {
		if (!in_subnet(&subnets[i], dst, ip))
			continue;
		total = bpf_map_lookup_elem(&sent, &i);
		if (total)
			__sync_fetch_and_add(total, bytes);
		else
			count_missed();
		break;
	}
	return 0;
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(send_btf, struct sock *sk, int ret)
{
	return on_send(sk, ret);
}

SEC("raw_tp/sock_send_length")
int BPF_PROG(send_raw, struct sock *sk, int ret)
{
	return on_send(sk, ret);
}

SEC("tracepoint/sock/sock_send_length")
int send_tp(struct trace_event_raw_sock_msg_length *ctx)
{
	return on_send(ctx->sk, ctx->ret);
}

SEC("fexit/tcp_sendmsg")
int BPF_PROG(sendmsg_fexit, struct sock *sk, struct msghdr *msg, size_t size, int ret)
{
	return on_send(sk, ret);
}

/* The bytes asked for: what the call will queue unless it fails or is interrupted. */
SEC("kprobe/tcp_sendmsg")
int BPF_KPROBE(sendmsg_kprobe, struct sock *sk, struct msghdr *msg, size_t size)
{
	return on_send(sk, size);
}

char LICENSE[] SEC("license") = "GPL";

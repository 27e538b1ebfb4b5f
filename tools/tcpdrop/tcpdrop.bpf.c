// SPDX-License-Identifier: GPL-2.0
/*
 * tcpdrop: report TCP packets the kernel drops (skb:kfree_skb with a drop
 * reason, Linux 5.17+), with the packet's addresses, ports and flags, its
 * socket's state, the reason and the kernel stack.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/drop.bpf.h"
#include "tcpdrop.h"

#define EVENT_MAX_SIZE (sizeof(struct drop_event))
#include "bpf/events.bpf.h"

const volatile __u8 filter_ip = 0;     /* -4/-6 (lib/opts.c) */
const volatile __u32 filter_netns = 0; /* --netns-id / --pid-netns */
const volatile __u32 stack_bytes = STACK_MAX_DEPTH * sizeof(__u64);

/* Where an event is built (it is too large for the BPF stack). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct drop_event);
} scratch SEC(".maps");

/* The network namespace of the drop: the socket's, else the device's; 0 if neither. */
static __always_inline __u32 drop_netns(const struct sk_buff *skb, const struct sock *sk)
{
	if (sk)
		return BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
	return BPF_CORE_READ(skb, dev, nd_net.net, ns.inum);
}

static __always_inline int on_drop(void *ctx, const struct sk_buff *skb, __u32 reason,
				   const struct sock *rx_sk)
{
	struct drop_packet p = {};
	const struct sock *sk;
	struct drop_event *e;
	__u32 zero = 0;
	__u64 size;

	/* Not a drop (SKB_CONSUMED), or one no code gave a reason for (as upstream). */
	if (reason <= bpf_core_enum_value(enum skb_drop_reason, SKB_DROP_REASON_NOT_SPECIFIED))
		return 0;
	if (!skb || !drop_tcp_packet(skb, &p, filter_ip))
		return 0;
	sk = BPF_CORE_READ(skb, sk);
	if (!sk)
		sk = rx_sk;
	if (filter_netns && drop_netns(skb, sk) != filter_netns)
		return 0;
	e = bpf_map_lookup_elem(&scratch, &zero);
	if (!e)
		return 0;
	e->ts_ns = bpf_ktime_get_ns();
	__builtin_memcpy(e->saddr, p.saddr, sizeof(e->saddr));
	__builtin_memcpy(e->daddr, p.daddr, sizeof(e->daddr));
	e->sport = p.sport;
	e->dport = p.dport;
	e->ip = p.ip;
	e->flags = p.flags;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->reason = reason;
	e->state = sk ? BPF_CORE_READ(sk, __sk_common.skc_state) : 0;
	e->kbytes = bpf_get_stack(ctx, e->frames, stack_bytes, 0);
	size = DROP_EVENT_HEADER_SIZE;
	if (e->kbytes > 0)
		size += e->kbytes;
	if (size > sizeof(*e))
		size = sizeof(*e);
	event_output(ctx, e, size);
	return 0;
}

SEC("tp_btf/kfree_skb")
int BPF_PROG(kfree_skb_btf, struct sk_buff *skb, void *location, enum skb_drop_reason reason)
{
	return on_drop(ctx, skb, reason, kfree_skb_btf_rx_sk(ctx));
}

SEC("raw_tp/kfree_skb")
int BPF_PROG(kfree_skb_raw, struct sk_buff *skb, void *location, enum skb_drop_reason reason)
{
	return on_drop(ctx, skb, reason, kfree_skb_btf_rx_sk(ctx));
}

/* The record's first field is skbaddr on every kernel; reason and rx_sk through CO-RE. */
struct kfree_skb_record {
	__u64 common;
	const struct sk_buff *skbaddr;
};

SEC("tracepoint/skb/kfree_skb")
int kfree_skb_tp(struct kfree_skb_record *ctx)
{
	return on_drop(ctx, ctx->skbaddr, kfree_skb_tp_reason(ctx), kfree_skb_tp_rx_sk(ctx));
}

char LICENSE[] SEC("license") = "GPL";

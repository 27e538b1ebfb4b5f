// SPDX-License-Identifier: GPL-2.0
/* tcpretrans: report TCP retransmits (and tail loss probes), or count them per flow. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>

#include "bpf/compat.bpf.h"
#include "bpf/maps.bpf.h"
#include "bpf/missed.bpf.h"
#include "bpf/net.bpf.h"
#include "tcpretrans.h"

#define EVENT_MAX_SIZE (sizeof(struct retrans_event))
#include "bpf/events.bpf.h"

const volatile bool count_mode = false;
const volatile __u8 target_ip = 0;	/* 4 or 6: only that family; 0: both */

/* -c: retransmits per flow; a flow that finds the table full is counted as missed. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_FLOWS);
	__type(key, struct net_tuple);
	__type(value, struct flow_count);
} flows SEC(".maps");

static const struct flow_count zero_count;

/* TCP_SKB_CB(skb)->seq: the control block lives in skb->cb. */
static __always_inline __u32 skb_seq(const struct sk_buff *skb)
{
	const struct tcp_skb_cb *tcb = (const void *)skb->cb;

	return BPF_CORE_READ(tcb, seq);
}

static __always_inline int count_flow(const struct net_tuple *key, __u8 type)
{
	struct flow_count *c = map_lookup_or_init(&flows, key, &zero_count);

	if (!c) {
		count_missed();
		return 0;
	}
	if (type == RETRANS_TLP)
		__sync_fetch_and_add(&c->tlps, 1);
	else
		__sync_fetch_and_add(&c->retransmits, 1);
	return 0;
}

static __always_inline int on_retransmit(void *ctx, const struct sock *sk,
					 const struct sk_buff *skb, __u8 type)
{
	struct net_tuple key = {};
	struct retrans_event *e;

	if (!sk || !sock_tuple(sk, &key, target_ip))
		return 0;
	if (count_mode)
		return count_flow(&key, type);
	e = event_reserve(sizeof(*e));
	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	e->ts_ns = bpf_ktime_get_ns();
	e->flow = key;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->seq = skb ? skb_seq(skb) : 0;
	e->state = sock_state(sk);
	e->type = type;
	event_submit(ctx, e, sizeof(*e));
	return 0;
}

static __always_inline int on_tcp_retransmit_skb(void *ctx, const struct sock *sk,
						 const struct sk_buff *skb, int err)
{
	/* Failed attempts (reported since 6.17) put nothing on the wire. */
	if (err)
		return 0;
	return on_retransmit(ctx, sk, skb, RETRANS_SEGMENT);
}

SEC("tp_btf/tcp_retransmit_skb")
int BPF_PROG(retransmit_btf, const struct sock *sk, const struct sk_buff *skb)
{
	return on_tcp_retransmit_skb(ctx, sk, skb, tcp_retransmit_btf_err(ctx));
}

SEC("raw_tp/tcp_retransmit_skb")
int BPF_PROG(retransmit_raw, const struct sock *sk, const struct sk_buff *skb)
{
	return on_tcp_retransmit_skb(ctx, sk, skb, tcp_retransmit_btf_err(ctx));
}

/* The leading fields of the tcp:tcp_retransmit_skb record, unchanged since 4.15. */
struct retransmit_record {
	__u64 common;
	const struct sk_buff *skbaddr;
	const struct sock *skaddr;
};

SEC("tracepoint/tcp/tcp_retransmit_skb")
int retransmit_tp(struct retransmit_record *ctx)
{
	return on_tcp_retransmit_skb(ctx, ctx->skaddr, ctx->skbaddr, tcp_retransmit_tp_err(ctx));
}

/* -l: tail loss probes have no tracepoint; trace the function that sends them. */
SEC("fentry/tcp_send_loss_probe")
int BPF_PROG(tlp_fentry, struct sock *sk)
{
	return on_retransmit(ctx, sk, NULL, RETRANS_TLP);
}

SEC("kprobe/tcp_send_loss_probe")
int BPF_KPROBE(tlp_kprobe, struct sock *sk)
{
	return on_retransmit(ctx, sk, NULL, RETRANS_TLP);
}

char LICENSE[] SEC("license") = "GPL";

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Packet drops (skb:kfree_skb) for the network tools: the arguments that
 * changed across kernels, and the addresses and ports of a dropped TCP
 * packet read from its own headers.
 */
#ifndef BPFSCOPE_DROP_BPF_H
#define BPFSCOPE_DROP_BPF_H

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>

/*
 * skb:kfree_skb gained rx_sk, the receiving socket when the packet has none
 * of its own, in Linux 6.12 ("net: add rx_sk to trace_kfree_skb"): the
 * fourth argument of tp_btf/raw_tp programs, a record field before protocol.
 * Both helpers return NULL on kernels without it.
 */
static __always_inline struct sock *kfree_skb_btf_rx_sk(const __u64 *args)
{
	if (bpf_core_field_exists(struct trace_event_raw_kfree_skb, rx_sk))
		return (struct sock *)args[3];
	return NULL;
}

static __always_inline struct sock *kfree_skb_tp_rx_sk(const void *ctx)
{
	const struct trace_event_raw_kfree_skb *rec = ctx;

	if (bpf_core_field_exists(rec->rx_sk))
		return rec->rx_sk;
	return NULL;
}

/* The classic record's reason (its offset moved with rx_sk). */
static __always_inline __u32 kfree_skb_tp_reason(const void *ctx)
{
	const struct trace_event_raw_kfree_skb *rec = ctx;

	return rec->reason;
}

#define DROP_ETH_P_IP	0x0800
#define DROP_ETH_P_IPV6 0x86DD
#define DROP_TCP	6

/* A TCP packet as its headers say: addresses in network order, ports in host order. */
struct drop_packet {
	__u8 saddr[16];
	__u8 daddr[16];
	__u16 sport;
	__u16 dport;
	__u8 ip;    /* 4 or 6 */
	__u8 flags; /* TCP flags: FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10, ... */
};

/*
 * Read the IP and TCP headers of skb (from its network header, so a packet
 * dropped before its transport header was set is read too).  only_ip: 4 or
 * 6 for that version only.  False for a packet that is not TCP over IPv4 or
 * IPv6 (IPv6 extension headers are not followed), or has no network header.
 */
static __always_inline bool drop_tcp_packet(const struct sk_buff *skb, struct drop_packet *p,
					    __u8 only_ip)
{
	unsigned char *head = BPF_CORE_READ(skb, head);
	__u16 nh = BPF_CORE_READ(skb, network_header);
	__u16 proto = bpf_ntohs(BPF_CORE_READ(skb, protocol));
	__u8 h[40], th[14];
	__u32 thoff;

	if (!head || nh == (__u16)~0U)
		return false;
	if (proto == DROP_ETH_P_IP && only_ip != 6) {
		if (bpf_probe_read_kernel(h, 20, head + nh) || h[0] >> 4 != 4 || h[9] != DROP_TCP)
			return false;
		p->ip = 4;
		__builtin_memcpy(p->saddr, &h[12], 4);
		__builtin_memcpy(p->daddr, &h[16], 4);
		thoff = (h[0] & 0xf) * 4;
	} else if (proto == DROP_ETH_P_IPV6 && only_ip != 4) {
		if (bpf_probe_read_kernel(h, 40, head + nh) || h[0] >> 4 != 6 || h[6] != DROP_TCP)
			return false;
		p->ip = 6;
		__builtin_memcpy(p->saddr, &h[8], 16);
		__builtin_memcpy(p->daddr, &h[24], 16);
		thoff = 40;
	} else {
		return false;
	}
	if (bpf_probe_read_kernel(th, sizeof(th), head + nh + thoff))
		return false;
	p->sport = (__u16)th[0] << 8 | th[1];
	p->dport = (__u16)th[2] << 8 | th[3];
	p->flags = th[13];
	return true;
}

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * netqtop: packets and bytes of one network interface per queue, by size,
 * sent (net:net_dev_start_xmit) and received (net:netif_receive_skb).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/missed.bpf.h"
#include "netqtop.h"

/* The interface: its index in the tool's network namespace, and that namespace. */
const volatile __u32 target_ifindex = 0;
const volatile __u32 target_netns = 0;

/* One more than the highest queue that saw a packet, per direction (only grows). */
__u32 queues_seen[NDIRS] = {};

/* Index dir * MAX_QUEUES + queue. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, NDIRS *MAX_QUEUES);
	__type(key, __u32);
	__type(value, struct queue_stat);
} queues SEC(".maps");

static __always_inline bool dev_matches(const struct net_device *dev)
{
	if (!dev || BPF_CORE_READ(dev, ifindex) != target_ifindex)
		return false;
	return BPF_CORE_READ(dev, nd_net.net, ns.inum) == target_netns;
}

static __always_inline int size_class(__u32 len)
{
	if (len < 64)
		return 0;
	if (len < 512)
		return 1;
	if (len < 2048)
		return 2;
	if (len < 16384)
		return 3;
	if (len < 65536)
		return 4;
	return 5;
}

static __always_inline int count_packet(__u32 dir, __u32 queue, __u32 len)
{
	__u32 key = dir * MAX_QUEUES + queue;
	struct queue_stat *s;
	int c = size_class(len);

	if (queue >= MAX_QUEUES) {
		count_missed();
		return 0;
	}
	s = bpf_map_lookup_elem(&queues, &key);
	if (!s)
		return 0;
	if (queue >= queues_seen[dir & 1])
		queues_seen[dir & 1] = queue + 1;
	s->bytes += len;
	s->packets++;
	if (c >= 0 && c < NSIZES)
		s->sizes[c]++;
	return 0;
}

static __always_inline int on_xmit(const struct sk_buff *skb, const struct net_device *dev)
{
	if (!skb || !dev_matches(dev))
		return 0;
	return count_packet(DIR_TX, BPF_CORE_READ(skb, queue_mapping), BPF_CORE_READ(skb, len));
}

static __always_inline int on_receive(const struct sk_buff *skb)
{
	if (!skb || !dev_matches(BPF_CORE_READ(skb, dev)))
		return 0;
	return count_packet(DIR_RX, BPF_CORE_READ(skb, queue_mapping), BPF_CORE_READ(skb, len));
}

SEC("tp_btf/net_dev_start_xmit")
int BPF_PROG(xmit_btf, const struct sk_buff *skb, const struct net_device *dev)
{
	return on_xmit(skb, dev);
}

SEC("raw_tp/net_dev_start_xmit")
int BPF_PROG(xmit_raw, const struct sk_buff *skb, const struct net_device *dev)
{
	return on_xmit(skb, dev);
}

SEC("tracepoint/net/net_dev_start_xmit")
int xmit_tp(struct trace_event_raw_net_dev_start_xmit *ctx)
{
	const struct sk_buff *skb = BPF_CORE_READ(ctx, skbaddr);

	return on_xmit(skb, BPF_CORE_READ(skb, dev));
}

SEC("tp_btf/netif_receive_skb")
int BPF_PROG(receive_btf, const struct sk_buff *skb)
{
	return on_receive(skb);
}

SEC("raw_tp/netif_receive_skb")
int BPF_PROG(receive_raw, const struct sk_buff *skb)
{
	return on_receive(skb);
}

SEC("tracepoint/net/netif_receive_skb")
int receive_tp(struct trace_event_raw_net_dev_template *ctx)
{
	return on_receive(BPF_CORE_READ(ctx, skbaddr));
}

char LICENSE[] SEC("license") = "GPL";

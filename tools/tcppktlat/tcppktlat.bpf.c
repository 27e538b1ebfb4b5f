// SPDX-License-Identifier: GPL-2.0
/*
 * tcppktlat: the time TCP data waits in a socket between its arrival and the
 * read that takes it.  tcp:tcp_probe marks when a segment with data reaches
 * an established socket (the first one not read yet), tcp_rcv_space_adjust
 * runs in the reader as recvmsg() copies it out, and tcp_destroy_sock forgets
 * a socket that closes with data unread.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>

#include "bpf/filter.bpf.h"
#include "bpf/net.bpf.h"
#include "tcppktlat.h"

#define EVENT_MAX_SIZE (sizeof(struct pktlat_event))
#include "bpf/events.bpf.h"

const volatile __u16 filter_lport = 0; /* -l */
const volatile __u16 filter_rport = 0; /* -r */
const volatile __u8 filter_ip = 0;     /* -4/-6 (lib/opts.c) */
const volatile __u64 min_ns = 0;       /* the positional minimum latency */

/* Arrival of the oldest unread data, per socket. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_WAITING);
	__type(key, __u64);
	__type(value, __u64);
} arrived SEC(".maps");

static __always_inline bool sock_wanted(const struct sock *sk)
{
	__u16 family;

	if (filter_lport && BPF_CORE_READ(sk, __sk_common.skc_num) != filter_lport)
		return false;
	if (filter_rport && bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport)) != filter_rport)
		return false;
	if (filter_ip) {
		family = BPF_CORE_READ(sk, __sk_common.skc_family);
		return family == (filter_ip == 4 ? AF_INET : AF_INET6);
	}
	return true;
}

/* Does the segment carry data?  skb->data is its TCP header here. */
static __always_inline bool has_payload(const struct sk_buff *skb)
{
	const __u8 *th = BPF_CORE_READ(skb, data);
	__u8 off = 0;

	bpf_probe_read_kernel(&off, 1, th + 12); /* data offset: the high 4 bits */
	return BPF_CORE_READ(skb, len) > (__u32)(off >> 4) * 4;
}

static __always_inline int on_segment(const struct sock *sk, const struct sk_buff *skb)
{
	__u64 key = (__u64)sk, now;
	long err;

	if (bpf_map_lookup_elem(&arrived, &key) || !sock_wanted(sk) || !has_payload(skb))
		return 0;
	now = bpf_ktime_get_ns();
	err = bpf_map_update_elem(&arrived, &key, &now, BPF_NOEXIST);
	if (err && err != -17 /* EEXIST: another CPU was first */)
		count_missed();
	return 0;
}

static __always_inline int on_read(void *ctx, const struct sock *sk)
{
	__u64 key = (__u64)sk, *tsp, now = bpf_ktime_get_ns(), id;
	struct pktlat_event *e;
	__u64 delta;

	tsp = bpf_map_lookup_elem(&arrived, &key);
	if (!tsp)
		return 0;
	delta = now - *tsp;
	bpf_map_delete_elem(&arrived, &key);
	if ((__s64)delta <= (__s64)min_ns || !filter_current())
		return 0;
	e = event_reserve(sizeof(*e));
	if (!e)
		return 0;
	__builtin_memset(e, 0, sizeof(*e));
	if (!sock_tuple(sk, &e->flow, 0)) {
		event_discard(e);
		return 0;
	}
	id = current_ids();
	e->ts_ns = now;
	e->delta_ns = delta;
	e->pid = id >> 32;
	e->tid = (__u32)id;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	event_submit(ctx, e, sizeof(*e));
	return 0;
}

static __always_inline int on_destroy(const struct sock *sk)
{
	__u64 key = (__u64)sk;

	bpf_map_delete_elem(&arrived, &key);
	return 0;
}

SEC("tp_btf/tcp_probe")
int BPF_PROG(tcp_probe_btf, const struct sock *sk, const struct sk_buff *skb)
{
	return on_segment(sk, skb);
}

SEC("raw_tp/tcp_probe")
int BPF_PROG(tcp_probe_raw, const struct sock *sk, const struct sk_buff *skb)
{
	return on_segment(sk, skb);
}

SEC("tp_btf/tcp_rcv_space_adjust")
int BPF_PROG(tcp_rcv_space_adjust_btf, const struct sock *sk)
{
	return on_read(ctx, sk);
}

SEC("raw_tp/tcp_rcv_space_adjust")
int BPF_PROG(tcp_rcv_space_adjust_raw, const struct sock *sk)
{
	return on_read(ctx, sk);
}

SEC("tp_btf/tcp_destroy_sock")
int BPF_PROG(tcp_destroy_sock_btf, const struct sock *sk)
{
	return on_destroy(sk);
}

SEC("raw_tp/tcp_destroy_sock")
int BPF_PROG(tcp_destroy_sock_raw, const struct sock *sk)
{
	return on_destroy(sk);
}

char LICENSE[] SEC("license") = "GPL";

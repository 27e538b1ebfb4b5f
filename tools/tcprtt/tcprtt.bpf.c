// SPDX-License-Identifier: GPL-2.0
/*
 * tcprtt: the smoothed round-trip time of TCP sockets, sampled each time an
 * established socket takes a segment, as log2 histograms kept in the kernel.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/bits.bpf.h"
#include "bpf/maps.bpf.h"
#include "bpf/missed.bpf.h"
#include "bpf/net.bpf.h"
#include "tcprtt.h"

const volatile __u8 filter_ip = 0; /* -4/-6 (lib/opts.c): only that family; 0: both */
const volatile __u16 filter_lport = 0;
const volatile __u16 filter_rport = 0;
const volatile __u8 filter_laddr_ip = 0; /* -a: 4 or 6; 0: any address */
const volatile __u8 filter_laddr[16] = {};
const volatile __u8 filter_raddr_ip = 0; /* -A */
const volatile __u8 filter_raddr[16] = {};
const volatile int hist_by = BY_NONE;
const volatile bool in_msecs = false;

/* The single histogram: per CPU, so an update is plain increments. */
PERCPU_SLOT_MAP(hist_all, struct rtt_hist);

/* -b, -B: one histogram per address, drained by user space each interval. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ADDRS);
	__type(key, struct rtt_key);
	__type(value, struct rtt_hist);
} hists SEC(".maps");

static const struct rtt_hist zero_hist;

static __always_inline bool addr_is(const __u8 *addr, __u8 ip, const volatile __u8 *want)
{
	int i, n = ip == 4 ? 4 : 16;

	for (i = 0; i < 16; i++) {
		if (i < n && addr[i] != want[i])
			return false;
	}
	return true;
}

static __always_inline bool wanted(const struct net_tuple *t)
{
	if (filter_lport && t->lport != filter_lport)
		return false;
	if (filter_rport && t->rport != filter_rport)
		return false;
	if (filter_laddr_ip &&
	    (t->ip != filter_laddr_ip || !addr_is(t->laddr, t->ip, filter_laddr)))
		return false;
	if (filter_raddr_ip &&
	    (t->ip != filter_raddr_ip || !addr_is(t->raddr, t->ip, filter_raddr)))
		return false;
	return true;
}

static __always_inline struct rtt_hist *hist_for(const struct net_tuple *t)
{
	struct rtt_key key = {};
	__u32 zero = 0;

	if (hist_by == BY_NONE)
		return bpf_map_lookup_elem(&hist_all, &zero);
	key.ip = t->ip;
	__builtin_memcpy(key.addr, hist_by == BY_LADDR ? t->laddr : t->raddr, 16);
	return map_lookup_or_init(&hists, &key, &zero_hist);
}

/* tcp_sock.srtt_us holds 8 times the smoothed RTT in microseconds. */
static __always_inline int on_segment(const struct sock *sk)
{
	const struct tcp_sock *tp = (const void *)sk;
	struct net_tuple t = {};
	struct rtt_hist *h;
	__u64 srtt, slot;

	if (!sk || !sock_tuple(sk, &t, filter_ip) || !wanted(&t))
		return 0;
	srtt = BPF_CORE_READ(tp, srtt_us) >> 3;
	if (in_msecs)
		srtt /= 1000;
	h = hist_for(&t);
	if (!h) {
		count_missed();
		return 0;
	}
	slot = log2_slot(srtt, MAX_SLOTS - 1);
	if (hist_by == BY_NONE) {
		h->slots[slot]++;
		h->latency += srtt;
		h->count++;
	} else {
		__sync_fetch_and_add(&h->slots[slot], 1);
		__sync_fetch_and_add(&h->latency, srtt);
		__sync_fetch_and_add(&h->count, 1);
	}
	return 0;
}

/* tcp:tcp_probe is the first thing tcp_rcv_established() does (Linux 4.16). */
SEC("tp_btf/tcp_probe")
int BPF_PROG(tcp_probe_btf, const struct sock *sk)
{
	return on_segment(sk);
}

SEC("raw_tp/tcp_probe")
int BPF_PROG(tcp_probe_raw, const struct sock *sk)
{
	return on_segment(sk);
}

/* Older kernels: the function itself (upstream's hook). */
SEC("fentry/tcp_rcv_established")
int BPF_PROG(rcv_established_fentry, const struct sock *sk)
{
	return on_segment(sk);
}

SEC("kprobe/tcp_rcv_established")
int BPF_KPROBE(rcv_established_kprobe, const struct sock *sk)
{
	return on_segment(sk);
}

char LICENSE[] SEC("license") = "GPL";

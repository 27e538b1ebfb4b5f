// SPDX-License-Identifier: GPL-2.0
/*
 * tcpsynbl: the length of a listener's accept backlog each time a handshake
 * completes, as log2 histograms per backlog limit (listen()'s backlog).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/bits.bpf.h"
#include "bpf/maps.bpf.h"
#include "bpf/missed.bpf.h"
#include "bpf/net.bpf.h"
#include "tcpsynbl.h"

#define TCP_SYN_RECV 3
#define IPPROTO_TCP  6

const volatile __u8 filter_ip = 0; /* -4/-6 (lib/opts.c): only that family; 0: both */

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_HISTS);
	__type(key, __u32);
	__type(value, struct backlog_hist);
} hists SEC(".maps");

static const struct backlog_hist zero_hist;

static __always_inline bool family_wanted(__u16 family)
{
	if (family == AF_INET)
		return filter_ip != 6;
	return family == AF_INET6 && filter_ip != 4;
}

/*
 * sk is the listener, or a child cloned from it: both hold the listener's
 * backlog and limit at that moment.
 */
static __always_inline int on_backlog(const struct sock *sk)
{
	__u32 max = BPF_CORE_READ(sk, sk_max_ack_backlog);
	__u32 len = BPF_CORE_READ(sk, sk_ack_backlog);
	struct backlog_hist *h;

	if (!family_wanted(BPF_CORE_READ(sk, __sk_common.skc_family)))
		return 0;
	h = map_lookup_or_init(&hists, &max, &zero_hist);
	if (!h) {
		count_missed();
		return 0;
	}
	__sync_fetch_and_add(&h->slots[log2_slot(len, MAX_SLOTS - 1)], 1);
	return 0;
}

/* sk_protocol was a bitfield before Linux 5.6 (commit bf9765145b85): read it either way. */
static __always_inline bool is_tcp(const struct sock *sk)
{
	return BPF_CORE_READ_BITFIELD_PROBED(sk, sk_protocol) == IPPROTO_TCP;
}

/*
 * A full socket enters SYN_RECV only in inet_csk_clone_lock(), when the
 * handshake's last ACK makes tcp_v4/v6_syn_recv_sock() clone the listener:
 * the child still has the listener's sk_ack_backlog and sk_max_ack_backlog.
 */
static __always_inline int on_set_state(void *ctx, const struct sock *sk, int oldstate,
					int newstate)
{
	if (newstate != TCP_SYN_RECV || !is_tcp(sk))
		return 0;
	return on_backlog(sk);
}

INET_SOCK_SET_STATE_PROGS(on_set_state)

/*
 * Older kernels: upstream's hook, the listener on entry.  An IPv4 handshake
 * on an IPv6 listener passes through both functions: the IPv6 one counts it.
 */
static __always_inline int on_syn_recv_v4(const struct sock *sk)
{
	if (BPF_CORE_READ(sk, __sk_common.skc_family) != AF_INET)
		return 0;
	return on_backlog(sk);
}

SEC("fentry/tcp_v4_syn_recv_sock")
int BPF_PROG(syn_recv_v4_fentry, const struct sock *sk)
{
	return on_syn_recv_v4(sk);
}

SEC("fentry/tcp_v6_syn_recv_sock")
int BPF_PROG(syn_recv_v6_fentry, const struct sock *sk)
{
	return on_backlog(sk);
}

SEC("kprobe/tcp_v4_syn_recv_sock")
int BPF_KPROBE(syn_recv_v4_kprobe, const struct sock *sk)
{
	return on_syn_recv_v4(sk);
}

SEC("kprobe/tcp_v6_syn_recv_sock")
int BPF_KPROBE(syn_recv_v6_kprobe, const struct sock *sk)
{
	return on_backlog(sk);
}

char LICENSE[] SEC("license") = "GPL";

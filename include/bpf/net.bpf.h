/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sockets for the network tools: the tuple of include/net.h and the TCP
 * state, read from a struct sock with CO-RE.
 */
#ifndef BPFSCOPE_NET_BPF_H
#define BPFSCOPE_NET_BPF_H

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>

#include "net.h"

#ifndef AF_INET
#define AF_INET 2
#endif
#ifndef AF_INET6
#define AF_INET6 10
#endif

/*
 * The addresses and ports of sk, local first.  only_ip: 4 or 6 to read that
 * family only, 0 both.  False (t partly written) for a socket of another
 * family, or IPv6 on a kernel built without it.
 */
static __always_inline bool sock_tuple(const struct sock *sk, struct net_tuple *t, __u8 only_ip)
{
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);

	if (family == AF_INET && only_ip != 6) {
		t->ip = 4;
		bpf_core_read(t->laddr, 4, &sk->__sk_common.skc_rcv_saddr);
		bpf_core_read(t->raddr, 4, &sk->__sk_common.skc_daddr);
	} else if (family == AF_INET6 && only_ip != 4 &&
		   bpf_core_field_exists(sk->__sk_common.skc_v6_daddr)) {
		t->ip = 6;
		bpf_core_read(t->laddr, 16, &sk->__sk_common.skc_v6_rcv_saddr);
		bpf_core_read(t->raddr, 16, &sk->__sk_common.skc_v6_daddr);
	} else {
		return false;
	}
	/*
	 * inet_sport, not skc_num: inet_put_port() clears skc_num before the
	 * state change to TCP_CLOSE, where the tools that report at close look.
	 */
	t->lport = bpf_ntohs(BPF_CORE_READ((const struct inet_sock *)sk, inet_sport));
	if (!t->lport)
		t->lport = BPF_CORE_READ(sk, __sk_common.skc_num);
	t->rport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	return true;
}

/* TCP_ESTABLISHED, ... (include/net/tcp_states.h); names in lib/names.c. */
static __always_inline __u8 sock_state(const struct sock *sk)
{
	return BPF_CORE_READ(sk, __sk_common.skc_state);
}

/*
 * The programs of sock:inet_sock_set_state (Linux 4.16; it fires for every
 * TCP state change, and for MPTCP and SCTP sockets too) on every hook kind,
 * one per kind for hook_choose_each, around the tool's handler:
 *
 *	static __always_inline int on_state(void *ctx, struct sock *sk, int old, int new);
 *	INET_SOCK_SET_STATE_PROGS(on_state)
 */
/* clang-format off */
#define INET_SOCK_SET_STATE_PROGS(handler)						\
SEC("tp_btf/inet_sock_set_state")							\
int BPF_PROG(set_state_btf, struct sock *sk, int old, int new)				\
{											\
	return handler(ctx, sk, old, new);						\
}											\
SEC("raw_tp/inet_sock_set_state")							\
int BPF_PROG(set_state_raw, struct sock *sk, int old, int new)				\
{											\
	return handler(ctx, sk, old, new);						\
}											\
SEC("tracepoint/sock/inet_sock_set_state")						\
int set_state_tp(struct trace_event_raw_inet_sock_set_state *ctx)			\
{											\
	return handler(ctx, (struct sock *)ctx->skaddr, ctx->oldstate, ctx->newstate);	\
}
/* clang-format on */

#endif

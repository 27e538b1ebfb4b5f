/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Active TCP opens, for tcpconnect and tcpconnlat.  sock:inet_sock_set_state
 * (Linux 4.16) fires for every TCP state change; CLOSE -> SYN_SENT runs in
 * tcp_v4_connect()/tcp_v6_connect(), in the context of the task that
 * connects, before inet_hash_connect() picks the local port.  The macro
 * defines the tracepoint's programs (net.bpf.h's INET_SOCK_SET_STATE_PROGS)
 * around the tool's handler, called for TCP sockets only:
 *
 *	static __always_inline int on_state(void *ctx, struct sock *sk, int old, int new);
 *	INET_SOCK_SET_STATE_TCP_PROGS(on_state)
 */
#ifndef BPFSCOPE_CONNECT_BPF_H
#define BPFSCOPE_CONNECT_BPF_H

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_tracing.h>

/* IPPROTO_MPTCP and SCTP sockets also change state through the same tracepoint. */
static __always_inline bool sock_is_tcp(const struct sock *sk)
{
	/* A bitfield before Linux 5.6 (commit bf9765145b85): the probed read serves both. */
	return BPF_CORE_READ_BITFIELD_PROBED(sk, sk_protocol) == IPPROTO_TCP;
}

/*
 * The local port of a connecting socket, once inet_hash_connect() chose it.
 * inet_sport, not skc_num: a connect that fails releases the port
 * (inet_put_port() zeroes skc_num) before the state becomes CLOSE.
 */
static __always_inline __u16 sock_connect_port(const struct sock *sk)
{
	const struct inet_sock *inet = (const void *)sk;

	return bpf_ntohs(BPF_CORE_READ(inet, inet_sport));
}

/* net.bpf.h's programs, the handler called for TCP sockets only. */
/* clang-format off */
#define INET_SOCK_SET_STATE_TCP_PROGS(handler)						\
	static __always_inline int handler##_tcp(void *ctx, struct sock *sk, int old, int new) \
	{										\
		if (!sk || !sock_is_tcp(sk))						\
			return 0;							\
		return handler(ctx, sk, old, new);					\
	}										\
	INET_SOCK_SET_STATE_PROGS(handler##_tcp)
/* clang-format on */

#endif

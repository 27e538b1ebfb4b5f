/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For tcpaccept and bindsnoop: the -P port filter (its list parsed by
 * lib/ports.c) and the bind options of a socket, read with CO-RE across the
 * change of Linux 6.6 that moved inet_sock's option bitfields into one word.
 */
#ifndef BPFSCOPE_ACCEPT_BPF_H
#define BPFSCOPE_ACCEPT_BPF_H

#include <bpf/bpf_core_read.h>

#include "accept.h"
#include "ports.h"

const volatile bool filter_ports = false; /* -P: only ports in filter_port_bits */
const volatile unsigned char filter_port_bits[PORT_SET_BYTES] = {};

static __always_inline bool port_wanted(__u16 port)
{
	return !filter_ports || port_in(filter_port_bits, port);
}

/*
 * Before Linux 6.6 the options were inet_sock bitfields; Eric Dumazet's
 * series making the IP socket options lockless (6.6) turned them into bits
 * of inet_sock::inet_flags, numbered by an anonymous enum that no CO-RE
 * relocation can name: INET_FLAGS_FREEBIND 11, INET_FLAGS_TRANSPARENT 15,
 * INET_FLAGS_BIND_ADDRESS_NO_PORT 18 (the same in 6.12 and 6.18; the guest
 * tests set each option on 6.1 and 6.12).
 */
struct inet_sock___pre66 {
	__u8 freebind : 1;
	__u8 transparent : 1;
	__u8 bind_address_no_port : 1;
} __attribute__((preserve_access_index));

struct inet_sock___66 {
	unsigned long inet_flags;
} __attribute__((preserve_access_index));

#define INET_FLAG_FREEBIND_BIT	  11
#define INET_FLAG_TRANSPARENT_BIT 15
#define INET_FLAG_NO_PORT_BIT	  18

static __always_inline __u8 inet_bind_opts(const struct sock *sk)
{
	const struct inet_sock___pre66 *old = (const void *)sk;
	const struct inet_sock___66 *inet = (const void *)sk;
	unsigned long flags;
	__u8 o = 0;

	if (bpf_core_field_exists(inet->inet_flags)) {
		flags = BPF_CORE_READ(inet, inet_flags);
		if (flags & (1UL << INET_FLAG_FREEBIND_BIT))
			o |= BIND_OPT_FREEBIND;
		if (flags & (1UL << INET_FLAG_TRANSPARENT_BIT))
			o |= BIND_OPT_TRANSPARENT;
		if (flags & (1UL << INET_FLAG_NO_PORT_BIT))
			o |= BIND_OPT_NO_PORT;
		return o;
	}
	if (BPF_CORE_READ_BITFIELD_PROBED(old, freebind))
		o |= BIND_OPT_FREEBIND;
	if (BPF_CORE_READ_BITFIELD_PROBED(old, transparent))
		o |= BIND_OPT_TRANSPARENT;
	if (BPF_CORE_READ_BITFIELD_PROBED(old, bind_address_no_port))
		o |= BIND_OPT_NO_PORT;
	return o;
}

/* Every option bindsnoop shows: the inet ones and the socket's SO_REUSEADDR / SO_REUSEPORT. */
static __always_inline __u8 sock_bind_opts(const struct sock *sk)
{
	__u8 o = inet_bind_opts(sk);

	if (BPF_CORE_READ_BITFIELD_PROBED(sk, __sk_common.skc_reuse))
		o |= BIND_OPT_REUSEADDR;
	if (BPF_CORE_READ_BITFIELD_PROBED(sk, __sk_common.skc_reuseport))
		o |= BIND_OPT_REUSEPORT;
	return o;
}

/* sk_protocol and sk_type: bitfields before Linux 5.6, u16 fields since. */
static __always_inline __u16 sock_protocol(const struct sock *sk)
{
	return BPF_CORE_READ_BITFIELD_PROBED(sk, sk_protocol);
}

static __always_inline __u16 sock_type(const struct sock *sk)
{
	return BPF_CORE_READ_BITFIELD_PROBED(sk, sk_type);
}

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The -L/-D port filters of the TCP session tools (tcplife, tcpstates): a bit
 * per port in rodata, set by include/ports.h before load, so a run without
 * them costs nothing (the verifier drops the branch).
 */
#ifndef BPFSCOPE_LIFE_BPF_H
#define BPFSCOPE_LIFE_BPF_H

#include <bpf/bpf_endian.h>

#include "bpf/net.bpf.h"
#include "ports.h"

const volatile bool filter_lports_on = false;
const volatile bool filter_rports_on = false;
const volatile unsigned char filter_lports[PORT_SET_BYTES] = {};
const volatile unsigned char filter_rports[PORT_SET_BYTES] = {};

/* Local port in -L (if given) and remote port in -D (if given); host order. */
static __always_inline bool ports_match(__u16 lport, __u16 rport)
{
	if (filter_lports_on && !port_in(filter_lports, lport))
		return false;
	if (filter_rports_on && !port_in(filter_rports, rport))
		return false;
	return true;
}

/*
 * Does this change start a socket's life: from CLOSE (connect(), listen()),
 * or a listener's new child?  An entry a tool keeps for the address from
 * before is stale: its socket was freed without its CLOSE being seen.
 */
static __always_inline bool life_begins(int oldstate, int newstate)
{
	return oldstate == TCP_CLOSE || (oldstate == TCP_LISTEN && newstate == TCP_SYN_RECV);
}

#endif

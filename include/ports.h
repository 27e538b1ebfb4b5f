/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Port lists of the network tools (tcplife and tcpstates -L/-D, tcpaccept and
 * bindsnoop -P, ...): "80,443,8000-8080"; the set is a bitmap the BPF side
 * tests in its rodata (port_in(), below), one bit per port.
 *
 *	port_set_parse(&lports, "-L", arg);
 *	port_set_copy(&lports, skel->rodata->filter_lports, &skel->rodata->filter_lports_on);
 */
#ifndef BPFSCOPE_PORTS_H
#define BPFSCOPE_PORTS_H

#define PORT_SET_BYTES (65536 / 8)

#ifdef __bpf__
/*
 * Is port in a set of rodata bits (set by port_set_copy before load)?  The
 * compiler knows a port fits 16 bits and drops the mask; older verifiers
 * (6.1, 6.12) do not, and refuse the index: the barrier keeps the mask.
 */
static __always_inline bool port_in(const volatile unsigned char *bits, __u16 port)
{
	__u32 p = port;

	asm volatile("" : "+r"(p));
	p &= 0xffff;
	return bits[p >> 3] & (1 << (p & 7));
}
#else
#include <stdbool.h>

struct port_set {
	unsigned char bits[PORT_SET_BYTES];
	int n; /* ports named; 0: no filter */
};

/*
 * Add the comma-separated ports and LOW-HIGH ranges of arg (decimal 0-65535)
 * to s; a bad list is a one-line usage error naming opt.  May be given more
 * than once.
 */
void port_set_parse(struct port_set *s, const char *opt, const char *arg);
bool port_set_has(const struct port_set *s, unsigned int port);
/* Into a tool's rodata (before load): the bitmap, and whether it filters. */
void port_set_copy(const struct port_set *s, volatile unsigned char *bits, volatile bool *on);

#endif /* __bpf__ */
#endif

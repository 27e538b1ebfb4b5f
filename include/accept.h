/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Port lists for the network tools' -P option (tcpaccept, bindsnoop): a set
 * of 65536 bits that the BPF side tests in constant time
 * (include/bpf/accept.bpf.h: port_wanted()), set through rodata before load.
 *
 *	const char *why = port_set_parse(arg, skel->rodata->filter_port_bits);
 *	if (why)
 *		cli_bad_value("-P", arg, why);
 *	skel->rodata->filter_ports = true;
 */
#ifndef BPFSCOPE_ACCEPT_H
#define BPFSCOPE_ACCEPT_H

#ifndef __bpf__
#include <linux/types.h>
#endif

#define PORT_SET_WORDS 1024 /* 65536 ports, one bit each */

/* A socket's bind options (sock_bind_opts() in BPF), in the order bindsnoop prints them: "FTNRr".
 */
#define BIND_OPT_FREEBIND    0x01 /* IP_FREEBIND / IPV6_FREEBIND */
#define BIND_OPT_TRANSPARENT 0x02 /* IP_TRANSPARENT / IPV6_TRANSPARENT */
#define BIND_OPT_NO_PORT     0x04 /* IP_BIND_ADDRESS_NO_PORT */
#define BIND_OPT_REUSEADDR   0x08 /* SO_REUSEADDR */
#define BIND_OPT_REUSEPORT   0x10 /* SO_REUSEPORT */
#define BIND_OPT_LETTERS     "FTNRr"

#ifndef __bpf__
/*
 * Add the ports of arg ("80", "80,443", "8000-8080,22": numbers 0..65535,
 * ranges low-high) to bits.  Returns NULL, or why arg is not a port list
 * (bits then partly written).
 */
const char *port_set_parse(const char *arg, __u64 *bits);

/* Is port in bits? */
static inline int port_set_has(const __u64 *bits, unsigned int port)
{
	return port < 65536 && (bits[port >> 6] >> (port & 63)) & 1;
}
#endif

#endif

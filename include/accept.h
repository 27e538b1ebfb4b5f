/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bind options of a socket as tcpaccept and bindsnoop show them
 * (include/bpf/accept.bpf.h reads them).  Their -P port lists: include/ports.h.
 */
#ifndef BPFSCOPE_ACCEPT_H
#define BPFSCOPE_ACCEPT_H

/* A socket's bind options (sock_bind_opts() in BPF), in the order bindsnoop prints them: "FTNRr".
 */
#define BIND_OPT_FREEBIND    0x01 /* IP_FREEBIND / IPV6_FREEBIND */
#define BIND_OPT_TRANSPARENT 0x02 /* IP_TRANSPARENT / IPV6_TRANSPARENT */
#define BIND_OPT_NO_PORT     0x04 /* IP_BIND_ADDRESS_NO_PORT */
#define BIND_OPT_REUSEADDR   0x08 /* SO_REUSEADDR */
#define BIND_OPT_REUSEPORT   0x10 /* SO_REUSEPORT */
#define BIND_OPT_LETTERS     "FTNRr"

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sockets as the network tools show them.  Both sides share struct
 * net_tuple (the BPF side fills it with sock_tuple() of
 * include/bpf/net.bpf.h); user space formats it here:
 *
 *	char local[NET_ENDPOINT_LEN];
 *	net_endpoint(local, sizeof(local), t->ip, t->laddr, t->lport, NET_EP_COLON);
 *	net_json_tuple(&j, t);  // "ip", "laddr", "lport", "raddr", "rport"
 */
#ifndef BPFSCOPE_NET_H
#define BPFSCOPE_NET_H

#ifndef __bpf__
#include <linux/types.h>
#include <stddef.h>
#endif

/* Addresses in network byte order (IPv4 in the first 4 bytes), ports in host order. */
struct net_tuple {
	__u8 laddr[16];
	__u8 raddr[16];
	__u16 lport;
	__u16 rport;
	__u8 ip; /* 4 or 6 */
	__u8 pad[3];
};

#ifndef __bpf__

struct json;

/* Room for an address (INET6_ADDRSTRLEN), and for an address with a port. */
#define NET_ADDR_LEN	 46
#define NET_ENDPOINT_LEN (NET_ADDR_LEN + 8)

/* addr (family ip: 4 or 6) as inet_ntop(3) writes it; "?" for another family. */
char *net_addr(char *buf, size_t len, int ip, const void *addr);

enum net_ep_style {
	NET_EP_COLON, /* 192.0.2.1:80, 2001:db8::1:80 (BCC's event columns) */
	NET_EP_HASH,  /* [192.0.2.1]#80, [2001:db8::1]#80 (BCC's per-flow counts) */
};

/* Address and port in one column. */
char *net_endpoint(char *buf, size_t len, int ip, const void *addr, unsigned int port,
		   enum net_ep_style style);

/* A TCP state's name ("ESTABLISHED"), or its number for one without a name. */
const char *net_tcp_state(int state, char *buf, size_t len);

/* JSON: "ip", "laddr", "lport", "raddr", "rport". */
void net_json_tuple(struct json *j, const struct net_tuple *t);
/* JSON: key with the state's name, or its number for one without a name. */
void net_json_tcp_state(struct json *j, const char *key, int state);

#endif /* !__bpf__ */
#endif

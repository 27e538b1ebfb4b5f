// SPDX-License-Identifier: GPL-2.0
/* Socket tuples, addresses and TCP states for the network tools; see include/net.h. */
#include <arpa/inet.h>
#include <stdio.h>
#include <sys/socket.h>

#include "names.h"
#include "net.h"
#include "output.h"

char *net_addr(char *buf, size_t len, int ip, const void *addr)
{
	int family = ip == 4 ? AF_INET : ip == 6 ? AF_INET6 : AF_UNSPEC;

	if (family == AF_UNSPEC || !inet_ntop(family, addr, buf, len))
		snprintf(buf, len, "?");
	return buf;
}

char *net_endpoint(char *buf, size_t len, int ip, const void *addr, unsigned int port,
		   enum net_ep_style style)
{
	char a[NET_ADDR_LEN];

	net_addr(a, sizeof(a), ip, addr);
	if (style == NET_EP_HASH)
		snprintf(buf, len, "[%s]#%u", a, port);
	else
		snprintf(buf, len, "%s:%u", a, port);
	return buf;
}

const char *net_tcp_state(int state, char *buf, size_t len)
{
	const char *name = tcp_state_name(state);

	if (name)
		return name;
	snprintf(buf, len, "%d", state);
	return buf;
}

void net_json_tuple(struct json *j, const struct net_tuple *t)
{
	char addr[NET_ADDR_LEN];

	json_uint(j, "ip", t->ip);
	json_str(j, "laddr", net_addr(addr, sizeof(addr), t->ip, t->laddr));
	json_uint(j, "lport", t->lport);
	json_str(j, "raddr", net_addr(addr, sizeof(addr), t->ip, t->raddr));
	json_uint(j, "rport", t->rport);
}

void net_json_tcp_state(struct json *j, const char *key, int state)
{
	const char *name = tcp_state_name(state);

	if (name)
		json_str(j, key, name);
	else
		json_int(j, key, state);
}

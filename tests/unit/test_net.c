// SPDX-License-Identifier: GPL-2.0
/* lib/net.c: addresses, endpoints, TCP states and the JSON of a socket tuple. */
#include <stddef.h>
#include <stdlib.h>

#include "net.h"
#include "output.h"
#include "unit.h"

/* 192.0.2.1:40000 -> 192.0.2.200:443 and [2001:db8::1]:40000 -> [2001:db8::2]:443 */
static const struct net_tuple v4 = {
	.laddr = { 192, 0, 2, 1 },
	.raddr = { 192, 0, 2, 200 },
	.lport = 40000,
	.rport = 443,
	.ip = 4,
};
static const struct net_tuple v6 = {
	.laddr = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 },
	.raddr = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 },
	.lport = 40000,
	.rport = 443,
	.ip = 6,
};

static void test_layout(void)
{
	/* The BPF side fills the same struct: its layout is part of every tool's event. */
	CHECK("struct net_tuple is 40 bytes with ip at 36",
	      sizeof(struct net_tuple) == 40 && offsetof(struct net_tuple, ip) == 36, "%zu, %zu",
	      sizeof(struct net_tuple), offsetof(struct net_tuple, ip));
}

static void test_addresses(void)
{
	char buf[NET_ENDPOINT_LEN];

	CHECK_STR("IPv4 address", net_addr(buf, sizeof(buf), 4, v4.laddr), "192.0.2.1");
	CHECK_STR("IPv6 address, compressed", net_addr(buf, sizeof(buf), 6, v6.raddr),
		  "2001:db8::2");
	CHECK_STR("another family is '?'", net_addr(buf, sizeof(buf), 0, v4.laddr), "?");
	CHECK_STR("a buffer too small is '?'", net_addr(buf, 8, 4, v4.raddr), "?");
	CHECK_STR("IPv4 endpoint, event style",
		  net_endpoint(buf, sizeof(buf), 4, v4.raddr, 443, NET_EP_COLON),
		  "192.0.2.200:443");
	CHECK_STR("IPv6 endpoint, event style (no brackets, as BCC)",
		  net_endpoint(buf, sizeof(buf), 6, v6.laddr, 40000, NET_EP_COLON),
		  "2001:db8::1:40000");
	CHECK_STR("IPv6 endpoint, count style",
		  net_endpoint(buf, sizeof(buf), 6, v6.laddr, 40000, NET_EP_HASH),
		  "[2001:db8::1]#40000");
}

static void test_states(void)
{
	char buf[16];

	CHECK_STR("state 1 is ESTABLISHED", net_tcp_state(1, buf, sizeof(buf)), "ESTABLISHED");
	CHECK_STR("state 12 is NEW_SYN_RECV", net_tcp_state(12, buf, sizeof(buf)), "NEW_SYN_RECV");
	CHECK_STR("a state without a name is its number", net_tcp_state(13, buf, sizeof(buf)),
		  "13");
	CHECK_STR("state 0 has no name", net_tcp_state(0, buf, sizeof(buf)), "0");
}

static char *json_of(const struct net_tuple *t, int state)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	struct json j;

	json_begin(&j, f);
	net_json_tuple(&j, t);
	net_json_tcp_state(&j, "state", state);
	json_end(&j);
	fclose(f);
	return out;
}

static void test_json(void)
{
	char *s = json_of(&v4, 2);

	CHECK_STR("IPv4 tuple and state as JSON", s,
		  "{\"ip\":4,\"laddr\":\"192.0.2.1\",\"lport\":40000,\"raddr\":\"192.0.2.200\","
		  "\"rport\":443,\"state\":\"SYN_SENT\"}\n");
	free(s);
	s = json_of(&v6, 99);
	CHECK_STR("IPv6 tuple, unnamed state as a number", s,
		  "{\"ip\":6,\"laddr\":\"2001:db8::1\",\"lport\":40000,\"raddr\":\"2001:db8::2\","
		  "\"rport\":443,\"state\":99}\n");
	free(s);
}

int main(void)
{
	test_layout();
	test_addresses();
	test_states();
	test_json();
	return unit_exit();
}

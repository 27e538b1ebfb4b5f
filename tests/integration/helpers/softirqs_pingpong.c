// SPDX-License-Identifier: GPL-2.0
/*
 * softirqs_pingpong N: N round trips of one byte over a loopback TCP
 * connection (TCP_NODELAY), in one thread.  Each write queues a packet for
 * the loopback device, received in a NET_RX softirq on this CPU before the
 * write returns: at least one NET_RX softirq per write, 2N in all.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void nodelay(int fd)
{
	int one = 1;

	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)))
		die("TCP_NODELAY");
}

static void send_recv(int from, int to)
{
	char c = 'x';

	if (write(from, &c, 1) != 1)
		die("write");
	if (read(to, &c, 1) != 1)
		die("read");
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	long n, i;
	int l, c, s;

	if (argc != 2 || (n = atol(argv[1])) <= 0) {
		fprintf(stderr, "usage: %s ROUND_TRIPS\n", argv[0]);
		return 2;
	}
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(AF_INET, SOCK_STREAM, 0);
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || c < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 1) ||
	    getsockname(l, (struct sockaddr *)&a, &len))
		die("listen");
	if (connect(c, (struct sockaddr *)&a, sizeof(a)))
		die("connect");
	s = accept(l, NULL, NULL);
	if (s < 0)
		die("accept");
	nodelay(c);
	nodelay(s);
	for (i = 0; i < n; i++) {
		send_recv(c, s);
		send_recv(s, c);
	}
	return 0;
}

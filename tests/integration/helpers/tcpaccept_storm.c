// SPDX-License-Identifier: GPL-2.0
/*
 * tcpaccept_storm N: N loopback TCP connections one after the other, each
 * socket(), bind() to 127.0.0.1 port 0, connect(), accept4() and close() of
 * both ends: the per-connection cost tcpaccept and bindsnoop add (one
 * accept4() and one bind() each).  Prints the wall time per connection, ns.
 */
#define _GNU_SOURCE
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET }, any = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	long i, n = argc > 1 ? atol(argv[1]) : 10000;
	struct linger lg = { 1, 0 }; /* RST on close: no TIME_WAIT pile-up */
	int l, c, a;
	double t0;

	sa.sin_addr.s_addr = any.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || bind(l, (struct sockaddr *)&sa, len) || listen(l, 64) ||
	    getsockname(l, (struct sockaddr *)&sa, &len))
		return perror("listen"), 1;
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		c = socket(AF_INET, SOCK_STREAM, 0);
		if (c < 0 || bind(c, (struct sockaddr *)&any, sizeof(any)) ||
		    connect(c, (struct sockaddr *)&sa, sizeof(sa)))
			return perror("connect"), 1;
		a = accept4(l, NULL, NULL, 0);
		if (a < 0)
			return perror("accept4"), 1;
		setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		close(c);
		close(a);
	}
	printf("%.0f\n", (now_ns() - t0) / n);
	return 0;
}

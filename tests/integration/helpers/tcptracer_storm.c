// SPDX-License-Identifier: GPL-2.0
/*
 * A connect/accept/close storm over loopback, for tcptracer's cost per
 * connection: N times connect() to a listener, accept(), close the accepted
 * socket, close the client (the TIME_WAITs stay on the listener's side, so
 * the client's ports are never exhausted).  Prints the mean elapsed and CPU
 * nanoseconds per connection.
 *	tcptracer_storm N
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_ns(clockid_t clk)
{
	struct timespec ts;

	clock_gettime(clk, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int listener(struct sockaddr_in *addr)
{
	socklen_t len = sizeof(*addr);
	int l = socket(AF_INET, SOCK_STREAM, 0);

	addr->sin_family = AF_INET;
	addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	addr->sin_port = 0;
	if (l < 0 || bind(l, (struct sockaddr *)addr, sizeof(*addr)) || listen(l, 128) ||
	    getsockname(l, (struct sockaddr *)addr, &len))
		return -1;
	return l;
}

static int one_connection(int l, const struct sockaddr_in *addr)
{
	int c = socket(AF_INET, SOCK_STREAM, 0), a;

	if (c < 0 || connect(c, (const struct sockaddr *)addr, sizeof(*addr)))
		return -1;
	a = accept(l, NULL, NULL);
	if (a < 0)
		return -1;
	close(a);
	close(c);
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in addr;
	double t0, c0;
	long i, n = argc > 1 ? atol(argv[1]) : 0;
	int l = listener(&addr);

	if (n <= 0 || l < 0) {
		fprintf(stderr, "usage: tcptracer_storm N\n");
		return 2;
	}
	t0 = now_ns(CLOCK_MONOTONIC);
	c0 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
	for (i = 0; i < n; i++) {
		if (one_connection(l, &addr)) {
			perror("tcptracer_storm");
			return 1;
		}
	}
	printf("%.0f %.0f\n", (now_ns(CLOCK_MONOTONIC) - t0) / n,
	       (now_ns(CLOCK_PROCESS_CPUTIME_ID) - c0) / n);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * A connect/accept storm over loopback, for measuring what tcpconnect and
 * tcpconnlat add per connection: N connects to a listener of its own (a
 * thread accepts and closes), each client socket closed with an RST
 * (SO_LINGER 0) so that no TIME_WAIT uses up the local ports.
 *	tcpconnect_storm N     prints "ns_per_connect X"
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int listener;

static void *acceptor(void *arg)
{
	(void)arg;
	for (;;) {
		int c = accept(listener, NULL, NULL);

		if (c >= 0)
			close(c);
	}
	return NULL;
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct linger rst = { .l_onoff = 1, .l_linger = 0 };
	socklen_t len = sizeof(a);
	long i, n = argc > 1 ? atol(argv[1]) : 1000;
	pthread_t t;
	double start;

	listener = socket(AF_INET, SOCK_STREAM, 0);
	if (listener < 0 || bind(listener, (void *)&a, sizeof(a)) || listen(listener, 1024) ||
	    getsockname(listener, (void *)&a, &len) || pthread_create(&t, NULL, acceptor, NULL)) {
		perror("listener");
		return 1;
	}
	start = now_ns();
	for (i = 0; i < n; i++) {
		int s = socket(AF_INET, SOCK_STREAM, 0);

		if (s < 0 || connect(s, (void *)&a, sizeof(a))) {
			perror("connect");
			return 1;
		}
		setsockopt(s, SOL_SOCKET, SO_LINGER, &rst, sizeof(rst));
		close(s);
	}
	printf("ns_per_connect %.0f\n", (now_ns() - start) / n);
	return 0;
}

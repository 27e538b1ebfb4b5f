// SPDX-License-Identifier: GPL-2.0
/*
 * tcpsynbl_storm N: N loopback TCP connections, one after the other: connect,
 * accept, then both ends closed (the client with an RST, so that no
 * TIME_WAIT socket is left to exhaust the ports).  Prints the mean cost of
 * one connection in nanoseconds, elapsed then CPU time (tcpsynbl and tcprtt
 * per-connection cost; the per-segment storm is bench/storm.c's "tcp").
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double cpu_ns(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e9 +
	       (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e3;
}

int main(int argc, char **argv)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct linger rst = { .l_onoff = 1, .l_linger = 0 };
	socklen_t len = sizeof(a);
	long i, n = argc > 1 ? atol(argv[1]) : 0;
	double start, cpu;
	int l;

	l = socket(AF_INET, SOCK_STREAM, 0);
	if (n <= 0 || l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 128) ||
	    getsockname(l, (struct sockaddr *)&a, &len)) {
		perror("tcpsynbl_storm");
		return 1;
	}
	start = now_ns();
	cpu = cpu_ns();
	for (i = 0; i < n; i++) {
		int c = socket(AF_INET, SOCK_STREAM, 0), s;

		if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)) ||
		    (s = accept(l, NULL, NULL)) < 0) {
			perror("tcpsynbl_storm");
			return 1;
		}
		setsockopt(c, SOL_SOCKET, SO_LINGER, &rst, sizeof(rst));
		close(c);
		close(s);
	}
	printf("%.1f %.1f\n", (now_ns() - start) / n, (cpu_ns() - cpu) / n);
	return 0;
}

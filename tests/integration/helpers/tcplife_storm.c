// SPDX-License-Identifier: GPL-2.0
/*
 * tcplife_storm N: N loopback TCP sessions, one after another, for the
 * per-connection cost of tcplife and tcpstates (tcplife_bench.sh): connect,
 * accept, a byte each way, the server closes first (its time-wait socket
 * keeps the client's ports free), then the client.  About ten TCP state
 * changes per session.  Prints the mean nanoseconds per session, elapsed
 * then CPU (user and system, softirqs run in this process included).
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

static int one_session(int lst, const struct sockaddr_in *addr)
{
	char b = 'x';
	int c, a;

	c = socket(AF_INET, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (const struct sockaddr *)addr, sizeof(*addr)))
		return -1;
	a = accept(lst, NULL, NULL);
	if (a < 0 || write(c, &b, 1) != 1 || read(a, &b, 1) != 1 || write(a, &b, 1) != 1 ||
	    read(c, &b, 1) != 1)
		return -1;
	close(a);
	/* The server's FIN, then the client's end of file: it closes its side too. */
	if (read(c, &b, 1) != 0)
		return -1;
	close(c);
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in addr = { .sin_family = AF_INET };
	socklen_t len = sizeof(addr);
	double t0, c0;
	long i, n;
	int lst;

	if (argc != 2 || (n = atol(argv[1])) <= 0) {
		fprintf(stderr, "usage: tcplife_storm N\n");
		return 2;
	}
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lst = socket(AF_INET, SOCK_STREAM, 0);
	if (lst < 0 || bind(lst, (struct sockaddr *)&addr, sizeof(addr)) || listen(lst, 64) ||
	    getsockname(lst, (struct sockaddr *)&addr, &len)) {
		perror("tcplife_storm: listen");
		return 1;
	}
	t0 = now_ns();
	c0 = cpu_ns();
	for (i = 0; i < n; i++) {
		if (one_session(lst, &addr)) {
			perror("tcplife_storm: session");
			return 1;
		}
	}
	printf("%.0f %.0f\n", (now_ns() - t0) / n, (cpu_ns() - c0) / n);
	return 0;
}

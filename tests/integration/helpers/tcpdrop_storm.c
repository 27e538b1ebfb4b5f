// SPDX-License-Identifier: GPL-2.0
/*
 * tcpdrop benchmark storm: N connects to a closed loopback port (each SYN is
 * dropped with NO_SOCKET and answered by a reset), then the mean cost of one
 * in ns: elapsed, then CPU time (user + system).
 *	cc -O2 -o tcpdrop_storm tcpdrop_storm.c && ./tcpdrop_storm 20000 9
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
	struct sockaddr_in a = { .sin_family = AF_INET };
	long i, n;
	double t0, c0;

	if (argc != 3) {
		fprintf(stderr, "usage: tcpdrop_storm N PORT\n");
		return 2;
	}
	n = atol(argv[1]);
	a.sin_port = htons(atoi(argv[2]));
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	t0 = now_ns();
	c0 = cpu_ns();
	for (i = 0; i < n; i++) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0) {
			fprintf(stderr, "tcpdrop_storm: port %s is open\n", argv[2]);
			return 1;
		}
		close(fd);
	}
	printf("%.0f %.0f\n", (now_ns() - t0) / n, (cpu_ns() - c0) / n);
	return 0;
}

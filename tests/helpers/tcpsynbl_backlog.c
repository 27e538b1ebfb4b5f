// SPDX-License-Identifier: GPL-2.0
/*
 * tcpsynbl_backlog ADDR PORT BACKLOG CONNECTS [HOLD_MS]: a TCP listener on
 * ADDR:PORT (IPv4 or IPv6) with listen(BACKLOG) that never accepts, and
 * CONNECTS clients connecting to it one after the other (tcpsynbl tests).
 * Each connect is given up to 300 ms to complete: once BACKLOG + 1
 * connections wait in the accept queue, the kernel drops further SYNs, and
 * those connects stay pending.  Holds everything open for HOLD_MS (default
 * 200) and prints "established N" (the connects that completed).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int parse_addr(const char *s, int port, struct sockaddr_storage *ss, socklen_t *len)
{
	struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, s, &a4->sin_addr) == 1) {
		a4->sin_family = AF_INET;
		a4->sin_port = htons(port);
		*len = sizeof(*a4);
		return AF_INET;
	}
	if (inet_pton(AF_INET6, s, &a6->sin6_addr) == 1) {
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(port);
		*len = sizeof(*a6);
		return AF_INET6;
	}
	return -1;
}

/* Connect without blocking; 1 if the handshake completed within ms. */
static int connect_one(int family, const struct sockaddr_storage *ss, socklen_t len, int ms)
{
	struct pollfd p = { .events = POLLOUT };
	int err = 0;
	socklen_t elen = sizeof(err);

	p.fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (p.fd < 0)
		return -1;
	if (!connect(p.fd, (const struct sockaddr *)ss, len))
		return 1;
	if (errno != EINPROGRESS)
		return -1;
	if (poll(&p, 1, ms) != 1)
		return 0;
	getsockopt(p.fd, SOL_SOCKET, SO_ERROR, &err, &elen);
	return err ? -1 : 1;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage ss;
	struct timespec hold;
	int family, fd, i, n, done = 0, one = 1, hold_ms;
	socklen_t len;

	if (argc < 5) {
		fprintf(stderr, "usage: %s ADDR PORT BACKLOG CONNECTS [HOLD_MS]\n", argv[0]);
		return 2;
	}
	family = parse_addr(argv[1], atoi(argv[2]), &ss, &len);
	n = atoi(argv[4]);
	hold_ms = argc > 5 ? atoi(argv[5]) : 200;
	fd = family < 0 ? -1 : socket(family, SOCK_STREAM, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, (struct sockaddr *)&ss, len) || listen(fd, atoi(argv[3]))) {
		perror("listener");
		return 1;
	}
	for (i = 0; i < n; i++) {
		int r = connect_one(family, &ss, len, 300);

		if (r < 0) {
			perror("connect");
			return 1;
		}
		done += r;
	}
	hold.tv_sec = hold_ms / 1000;
	hold.tv_nsec = hold_ms % 1000 * 1000000L;
	nanosleep(&hold, NULL);
	printf("established %d\n", done);
	return 0;
}

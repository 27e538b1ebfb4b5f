// SPDX-License-Identifier: GPL-2.0
/*
 * tcpaccept_conns SPEC...: loopback TCP connections accepted with a known
 * call (tcpaccept tests, host and guests).  Each SPEC is FAMILY,CALL,PORT:
 * FAMILY 4 (127.0.0.1) or 6 (::1), CALL accept or accept4, PORT the port to
 * listen on (0: any).  Per SPEC: listen, connect, accept with CALL, then
 * print "conn N lport LPORT rport RPORT fd FD" (LPORT the listening port,
 * RPORT the client's).  The first line is "pid PID".
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static int port_of(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		die("getsockname");
	return ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
					     : ((struct sockaddr_in6 *)&ss)->sin6_port);
}

static void conn(int n, char *spec)
{
	char *fam_s = strtok(spec, ","), *call = strtok(NULL, ","), *port_s = strtok(NULL, ",");
	int fam = fam_s ? atoi(fam_s) : 4, one = 1, l, c, a;
	struct sockaddr_storage ss = {};
	socklen_t len;

	if (!call || !port_s) {
		fprintf(stderr, "bad spec\n");
		exit(2);
	}
	if (fam == 4) {
		struct sockaddr_in *sin = (void *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(atoi(port_s));
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (void *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(atoi(port_s));
		sin6->sin6_addr = in6addr_loopback;
		len = sizeof(*sin6);
	}
	l = socket(ss.ss_family, SOCK_STREAM, 0);
	if (l < 0 || setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(l, (struct sockaddr *)&ss, len) || listen(l, 8))
		die("listen");
	if (fam == 4)
		((struct sockaddr_in *)&ss)->sin_port = htons(port_of(l));
	else
		((struct sockaddr_in6 *)&ss)->sin6_port = htons(port_of(l));
	c = socket(ss.ss_family, SOCK_STREAM, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&ss, len))
		die("connect");
	a = strcmp(call, "accept4") ? accept(l, NULL, NULL) : accept4(l, NULL, NULL, SOCK_CLOEXEC);
	if (a < 0)
		die(call);
	printf("conn %d lport %d rport %d fd %d\n", n, port_of(l), port_of(c), a);
	close(a);
	close(c);
	close(l);
}

int main(int argc, char **argv)
{
	int i;

	printf("pid %d\n", getpid());
	for (i = 1; i < argc; i++)
		conn(i, argv[i]);
	fflush(stdout);
	return 0;
}

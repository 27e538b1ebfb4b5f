// SPDX-License-Identifier: GPL-2.0
/*
 * bindsnoop_binds SPEC...: bind() calls with known options (bindsnoop tests,
 * host and guests).  Each SPEC is PROTO,FAMILY,OPTS,ADDR,PORT:
 *   PROTO  tcp or udp; FAMILY 4 or 6
 *   OPTS   letters set before the bind, or "-": F freebind, T transparent,
 *          N bind_address_no_port, R SO_REUSEADDR, r SO_REUSEPORT,
 *          D SO_BINDTODEVICE "lo"
 *   PORT   a number, or "prev": the port the previous SPEC bound
 * Prints "pid PID", then per SPEC "bind N ret RET port PORT" (RET 0 or
 * -errno; PORT the one bound, or asked for on failure).  Every socket stays
 * open until the end, so a SPEC can collide with an earlier one.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef IP_BIND_ADDRESS_NO_PORT
#define IP_BIND_ADDRESS_NO_PORT 24
#endif
#ifndef IPV6_FREEBIND
#define IPV6_FREEBIND 78
#endif
#ifndef IPV6_TRANSPARENT
#define IPV6_TRANSPARENT 75
#endif

static const int one = 1;

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void set(int fd, int level, int name)
{
	if (setsockopt(fd, level, name, &one, sizeof(one)))
		die("setsockopt");
}

static void set_opts(int fd, int fam, const char *o)
{
	for (; *o && *o != '-'; o++) {
		switch (*o) {
		case 'F':
			set(fd, fam == 4 ? SOL_IP : SOL_IPV6,
			    fam == 4 ? IP_FREEBIND : IPV6_FREEBIND);
			break;
		case 'T':
			set(fd, fam == 4 ? SOL_IP : SOL_IPV6,
			    fam == 4 ? IP_TRANSPARENT : IPV6_TRANSPARENT);
			break;
		case 'N':
			set(fd, SOL_IP, IP_BIND_ADDRESS_NO_PORT);
			break;
		case 'R':
			set(fd, SOL_SOCKET, SO_REUSEADDR);
			break;
		case 'r':
			set(fd, SOL_SOCKET, SO_REUSEPORT);
			break;
		case 'D':
			if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, "lo", 3))
				die("SO_BINDTODEVICE");
			break;
		default:
			fprintf(stderr, "unknown option letter %c\n", *o);
			exit(2);
		}
	}
}

/* One SPEC: returns the port bound (or asked for). */
static int do_bind(int n, char *spec, int prev)
{
	char *proto = strtok(spec, ","), *fam_s = strtok(NULL, ","), *o = strtok(NULL, ",");
	char *addr = strtok(NULL, ","), *port_s = strtok(NULL, ",");
	struct sockaddr_storage ss = {};
	socklen_t len;
	int fam, fd, port, ret;

	if (!port_s) {
		fprintf(stderr, "bad spec\n");
		exit(2);
	}
	fam = atoi(fam_s);
	port = strcmp(port_s, "prev") ? atoi(port_s) : prev;
	fd = socket(fam == 4 ? AF_INET : AF_INET6, strcmp(proto, "udp") ? SOCK_STREAM : SOCK_DGRAM,
		    0);
	if (fd < 0)
		die("socket");
	set_opts(fd, fam, o);
	if (fam == 4) {
		struct sockaddr_in *sin = (void *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		inet_pton(AF_INET, addr, &sin->sin_addr);
		len = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (void *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		inet_pton(AF_INET6, addr, &sin6->sin6_addr);
		len = sizeof(*sin6);
	}
	ret = bind(fd, (struct sockaddr *)&ss, len) ? -errno : 0;
	if (!ret) {
		len = sizeof(ss);
		getsockname(fd, (struct sockaddr *)&ss, &len);
		port = ntohs(fam == 4 ? ((struct sockaddr_in *)&ss)->sin_port
				      : ((struct sockaddr_in6 *)&ss)->sin6_port);
	}
	printf("bind %d ret %d port %d\n", n, ret, port);
	return port;
}

int main(int argc, char **argv)
{
	int i, prev = 0;

	printf("pid %d\n", getpid());
	for (i = 1; i < argc; i++)
		prev = do_bind(i, argv[i], prev);
	fflush(stdout);
	return 0;
}

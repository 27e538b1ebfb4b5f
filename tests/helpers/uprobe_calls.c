// SPDX-License-Identifier: GPL-2.0
/*
 * uprobe_calls: the user-space calls the uprobe tools trace, in one static
 * binary for the guests (which have no bash, libc.so or libssl):
 *   uprobe_calls readline LINE       readline() (our own) returns LINE
 *   uprobe_calls resolve HOST        getaddrinfo(), gethostbyname(), gethostbyname2() (our
 *                                    own: each takes 20 ms) of HOST
 *   uprobe_calls ssl OUT             SSL_write() of OUT, then SSL_read() (our own, with
 *                                    OpenSSL's prototypes) of OUT reversed
 * Each prints its PID first.  sslsniff takes the binary as --extra-lib
 * openssl:PATH, bashreadline as -s PATH, gethostlatency as -l PATH.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char ssl_pipe[256];
static size_t ssl_len;

__attribute__((noinline)) char *readline(const char *line)
{
	return strdup(line);
}

__attribute__((noinline)) int SSL_write(void *ssl, const void *buf, int num)
{
	(void)ssl;
	if (num < 0 || (size_t)num > sizeof(ssl_pipe))
		return -1;
	memcpy(ssl_pipe, buf, num);
	ssl_len = num;
	return num;
}

__attribute__((noinline)) int SSL_read(void *ssl, void *buf, int num)
{
	size_t i;

	(void)ssl;
	if (num < 0 || (size_t)num < ssl_len)
		return -1;
	for (i = 0; i < ssl_len; i++)
		((char *)buf)[i] = ssl_pipe[ssl_len - 1 - i];
	return ssl_len;
}

/* glibc's own would pull in the loader for NSS: these are defined here instead (no netdb.h). */
static int host_entry;

__attribute__((noinline)) int getaddrinfo(const char *node, const char *service, const void *hints,
					  void **res)
{
	(void)node, (void)service, (void)hints;
	usleep(20000);
	*res = NULL;
	return 0;
}

__attribute__((noinline)) void *gethostbyname(const char *name)
{
	(void)name;
	usleep(20000);
	return &host_entry;
}

__attribute__((noinline)) void *gethostbyname2(const char *name, int af)
{
	(void)name, (void)af;
	usleep(20000);
	return &host_entry;
}

static int resolve(const char *host)
{
	void *res;

	if (getaddrinfo(host, NULL, NULL, &res) || !gethostbyname(host) || !gethostbyname2(host, 2))
		return 1;
	return 0;
}

int main(int argc, char **argv)
{
	char buf[256];
	char *line;
	int n;

	if (argc != 3)
		return 2;
	printf("%d\n", (int)getpid());
	fflush(stdout);
	if (!strcmp(argv[1], "readline")) {
		line = readline(argv[2]);
		n = line && !strcmp(line, argv[2]) ? 0 : 1;
		free(line);
		return n;
	}
	if (!strcmp(argv[1], "resolve"))
		return resolve(argv[2]);
	if (strcmp(argv[1], "ssl"))
		return 2;
	n = strlen(argv[2]);
	if (SSL_write(NULL, argv[2], n) != n || SSL_read(NULL, buf, sizeof(buf)) != n)
		return 1;
	return 0;
}

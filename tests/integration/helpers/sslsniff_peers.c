// SPDX-License-Identifier: GPL-2.0
/*
 * sslsniff_peers: the GnuTLS and NSS sides of the sslsniff test.
 *   sslsniff_peers gnutls PORT OUT     a GnuTLS client: handshake with the TLS
 *                                      server on 127.0.0.1:PORT (no certificate check),
 *                                      gnutls_record_send(OUT), then prints what
 *                                      gnutls_record_recv() returns, up to a newline
 *   sslsniff_peers nspr FILE OUT       NSPR: PR_Write(OUT) to FILE, PR_Read it back
 * Prints its PID first.  Built by the test with -lgnutls -lnspr4 where those exist.
 */
#include <arpa/inet.h>
#include <gnutls/gnutls.h>
#include <netinet/in.h>
#include <nspr/prio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int tcp_connect(int port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		return -1;
	return fd;
}

static int gnutls_peer(int port, const char *out)
{
	gnutls_certificate_credentials_t cred;
	gnutls_session_t s;
	char buf[256];
	size_t got = 0;
	ssize_t n;
	int fd = tcp_connect(port);

	if (fd < 0 || gnutls_certificate_allocate_credentials(&cred) ||
	    gnutls_init(&s, GNUTLS_CLIENT) || gnutls_set_default_priority(s) ||
	    gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, cred))
		return 1;
	gnutls_transport_set_int(s, fd);
	if (gnutls_handshake(s) < 0 || gnutls_record_send(s, out, strlen(out)) < 0)
		return 1;
	while (got < sizeof(buf) - 1 && !memchr(buf, '\n', got)) {
		n = gnutls_record_recv(s, buf + got, sizeof(buf) - 1 - got);
		if (n == GNUTLS_E_AGAIN || n == GNUTLS_E_INTERRUPTED)
			continue;
		if (n <= 0)
			return 1;
		got += n;
	}
	buf[got] = '\0';
	fputs(buf, stdout);
	gnutls_bye(s, GNUTLS_SHUT_WR);
	return 0;
}

static int nspr_peer(const char *path, const char *out)
{
	PRInt32 len = strlen(out);
	char buf[256];
	PRFileDesc *f = PR_Open(path, PR_RDWR | PR_CREATE_FILE | PR_TRUNCATE, 0600);

	if (!f || PR_Write(f, out, len) != len || PR_Seek(f, 0, PR_SEEK_SET) != 0 ||
	    len >= (PRInt32)sizeof(buf) || PR_Read(f, buf, sizeof(buf)) != len)
		return 1;
	return PR_Close(f) != PR_SUCCESS;
}

int main(int argc, char **argv)
{
	if (argc != 4)
		return 2;
	printf("%d\n", (int)getpid());
	fflush(stdout);
	if (!strcmp(argv[1], "gnutls"))
		return gnutls_peer(atoi(argv[2]), argv[3]);
	if (!strcmp(argv[1], "nspr"))
		return nspr_peer(argv[2], argv[3]);
	return 2;
}

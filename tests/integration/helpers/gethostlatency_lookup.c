// SPDX-License-Identifier: GPL-2.0
/*
 * gethostlatency_lookup NAME PIDFILE GATE CALL:HOST...: name itself NAME,
 * write its PID to PIDFILE, wait for a line on GATE ("-": no wait), then make
 * each lookup: CALL is getaddrinfo, gethostbyname, gethostbyname2 or numeric
 * (getaddrinfo with AI_NUMERICHOST, which fails at once for a name).  Prints
 * "CALL HOST MS OK" for each, MS the milliseconds the call took as the caller
 * sees them.  Exits 1 if a lookup other than numeric fails.
 */
#define _GNU_SOURCE
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int lookup(const char *call, const char *host)
{
	struct addrinfo hints = { .ai_family = AF_INET }, *res = NULL;

	if (!strcmp(call, "gethostbyname"))
		return gethostbyname(host) != NULL;
	if (!strcmp(call, "gethostbyname2"))
		return gethostbyname2(host, AF_INET) != NULL;
	if (!strcmp(call, "numeric"))
		hints.ai_flags = AI_NUMERICHOST;
	else if (strcmp(call, "getaddrinfo"))
		return -1;
	if (getaddrinfo(host, NULL, &hints, &res))
		return 0;
	freeaddrinfo(res);
	return 1;
}

int main(int argc, char **argv)
{
	char call[32], line[16];
	const char *host;
	FILE *f;
	double t;
	int i, ok, status = 0;

	if (argc < 5)
		return 2;
	prctl(PR_SET_NAME, argv[1]);
	f = fopen(argv[2], "w");
	if (!f || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f))
		return 1;
	if (strcmp(argv[3], "-")) {
		f = fopen(argv[3], "r");
		if (!f || !fgets(line, sizeof(line), f))
			return 1;
		fclose(f);
	}
	for (i = 4; i < argc; i++) {
		host = strchr(argv[i], ':');
		if (!host || host - argv[i] >= (long)sizeof(call))
			return 2;
		snprintf(call, sizeof(call), "%.*s", (int)(host - argv[i]), argv[i]);
		host++;
		t = now_ms();
		ok = lookup(call, host);
		t = now_ms() - t;
		if (ok < 0)
			return 2;
		printf("%s %s %.3f %d\n", call, host, t, ok);
		if (!ok && strcmp(call, "numeric"))
			status = 1;
	}
	return status;
}

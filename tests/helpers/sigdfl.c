// SPDX-License-Identifier: GPL-2.0
/*
 * sigdfl CMD [ARG...]: run CMD with SIGINT and SIGTERM set back to their
 * default action (the guest tests; the host uses env --default-signal).  A
 * shell starts background commands with SIGINT ignored, an ignored signal stays
 * ignored across exec, and a tool interrupted before it sets its handler would
 * then run on instead of stopping.
 */
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: sigdfl CMD [ARG...]\n");
		return 2;
	}
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	execvp(argv[1], argv + 1);
	perror(argv[1]);
	return 127;
}

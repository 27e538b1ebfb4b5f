// SPDX-License-Identifier: GPL-2.0
/* A command run for tracing, held until its probes are attached; see include/spawn.h. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "spawn.h"

int spawn_split(char *line, char **argv, int max)
{
	char *save = NULL;
	int n = 0;

	for (char *w = strtok_r(line, " \t", &save); w && n < max - 1;
	     w = strtok_r(NULL, " \t", &save))
		argv[n++] = w;
	argv[n] = NULL;
	return n;
}

size_t spawn_program(const char *line, char *buf, size_t size)
{
	size_t skip = strspn(line, " \t"), len = strcspn(line + skip, " \t");

	if (!size || len >= size)
		return 0;
	memcpy(buf, line + skip, len);
	buf[len] = '\0';
	return len;
}

/* The child: wait for the byte that lets it go, then exec. */
static _Noreturn void run_held(char *line, int gate)
{
	char *argv[SPAWN_MAX_ARGS], c;

	if (read(gate, &c, 1) != 1 || !spawn_split(line, argv, SPAWN_MAX_ARGS))
		_exit(127);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	execvp(argv[0], argv);
	fprintf(stderr, "%s: cannot run '%s': %s\n", program_invocation_short_name,
		cli_shown(argv[0]), strerror(errno));
	_exit(127);
}

int spawn_held(struct spawn *s, const char *line)
{
	char *copy = strdup(line);
	int fds[2], err;

	s->pid = 0;
	s->go = -1;
	if (!copy || pipe2(fds, O_CLOEXEC)) {
		err = errno;
		free(copy);
		cli_warn("cannot run a command: %s", strerror(err));
		return -err;
	}
	fflush(NULL);
	s->pid = fork();
	if (!s->pid) {
		close(fds[1]);
		run_held(copy, fds[0]);
	}
	err = errno;
	free(copy);
	close(fds[0]);
	if (s->pid < 0) {
		close(fds[1]);
		s->pid = 0;
		cli_warn("cannot fork: %s", strerror(err));
		return -err;
	}
	s->go = fds[1];
	return 0;
}

void spawn_release(struct spawn *s)
{
	if (s->go < 0)
		return;
	if (write(s->go, "g", 1) != 1)
		cli_warn("cannot start the command: %s", strerror(errno));
	close(s->go);
	s->go = -1;
}

void spawn_end(struct spawn *s)
{
	if (s->go >= 0)
		close(s->go);
	s->go = -1;
	if (s->pid <= 0)
		return;
	if (waitpid(s->pid, NULL, WNOHANG) == 0) {
		kill(s->pid, SIGTERM);
		waitpid(s->pid, NULL, 0);
	}
	s->pid = 0;
}

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A command a tool runs and traces (memleak -c): started held, so that
 * probes needing its PID are attached before it runs a single instruction of
 * its program, then let go.
 *
 *	struct spawn cmd;
 *	if (spawn_held(&cmd, "./allocs -n 10")) ...   // said why
 *	... attach for cmd.pid ...
 *	spawn_release(&cmd);                           // it execs now
 *	... trace ...
 *	spawn_end(&cmd);   // stopped with SIGTERM if still running, reaped
 *
 * The command line is split at spaces and tabs (no shell, no quotes) and the
 * program found on PATH, as execvp(3) does.  If the tool ends before the
 * release, the held child sees its pipe close and exits without running.
 */
#ifndef BPFSCOPE_SPAWN_H
#define BPFSCOPE_SPAWN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define SPAWN_MAX_ARGS 64

struct spawn {
	pid_t pid; /* 0: none */
	int go;	   /* the pipe that lets it go; -1 once released or ended */
};

/* Split line in place into argv (at most max - 1 words, NULL-ended); returns how many. */
int spawn_split(char *line, char **argv, int max);
/* The first word of line (the program) into buf; its length, or 0 if none. */
size_t spawn_program(const char *line, char *buf, size_t size);

int spawn_held(struct spawn *s, const char *line);
void spawn_release(struct spawn *s);
void spawn_end(struct spawn *s);

#endif

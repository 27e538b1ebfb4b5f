// SPDX-License-Identifier: GPL-2.0
/*
 * capable's workload: chown(PATH, UID, -1) N times from a function of known
 * name, then stay alive MS milliseconds (so capable -U can still read this
 * process's maps).  With GATE, it first waits until that file exists (so a
 * tool can be started with -p on it).  Prints its PID, then "0" or the errno
 * name of the last chown.
 *
 *	capable_chown PATH UID N MS [GATE]
 *
 * The call is two calls deep: with frame pointers, the caller of a libc
 * syscall wrapper (which has no frame of its own) is not in the user stack;
 * its caller, capable_marked_caller, is.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, ms % 1000 * 1000000L };

	nanosleep(&ts, NULL);
}

__attribute__((noinline)) static int capable_marked_chown(const char *path, uid_t uid)
{
	return chown(path, uid, -1) ? errno : 0;
}

__attribute__((noinline)) int capable_marked_caller(const char *path, uid_t uid)
{
	int err = capable_marked_chown(path, uid);

	__asm__ volatile("" ::: "memory"); /* no tail call: this frame stays */
	return err;
}

int main(int argc, char **argv)
{
	int err = 0, i, n;

	if (argc != 5 && argc != 6) {
		fprintf(stderr, "usage: capable_chown PATH UID N MS [GATE]\n");
		return 2;
	}
	printf("%d\n", getpid());
	fflush(stdout);
	while (argc == 6 && access(argv[5], F_OK))
		sleep_ms(10);
	n = atoi(argv[3]);
	for (i = 0; i < n; i++)
		err = capable_marked_caller(argv[1], (uid_t)atol(argv[2]));
	printf("%s\n", err ? strerrorname_np(err) : "0");
	fflush(stdout);
	sleep_ms(atol(argv[4]));
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * syscount_work GETPPIDS FCHDIRS UNLINKATS SLEEP_MS: says "ready" on stdout,
 * waits for a byte on stdin, then makes exactly that many getppid() calls,
 * failing fchdir(-1) calls (EBADF), failing unlinkat() calls (ENOENT), one
 * clock_nanosleep() of SLEEP_MS, and exits.  Every call after the byte is a
 * raw syscall: with the read() that returns the byte, the process makes
 * GETPPIDS + FCHDIRS + UNLINKATS + 2 calls that return (exit_group does not).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long getppids, fchdirs, unlinkats, ms, i;
	struct timespec ts;
	char c;

	if (argc != 5)
		return 2;
	getppids = atol(argv[1]);
	fchdirs = atol(argv[2]);
	unlinkats = atol(argv[3]);
	ms = atol(argv[4]);
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = ms % 1000 * 1000000;
	printf("ready\n");
	fflush(stdout);
	if (syscall(SYS_read, 0, &c, 1) != 1)
		return 1;
	for (i = 0; i < getppids; i++)
		syscall(SYS_getppid);
	for (i = 0; i < fchdirs; i++)
		syscall(SYS_fchdir, -1);
	for (i = 0; i < unlinkats; i++)
		syscall(SYS_unlinkat, AT_FDCWD, "/nonexistent/bpfscope-syscount", AT_REMOVEDIR);
	syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &ts, NULL);
	syscall(SYS_exit_group, 0);
	return 0;
}

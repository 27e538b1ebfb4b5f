// SPDX-License-Identifier: GPL-2.0
/*
 * maxrss OUTFILE SECS CMD [ARG...]: run CMD, stopping it after SECS seconds
 * (SIGTERM, then SIGKILL one second later), and write into OUTFILE one line
 * "maxrss_kb=N wall_ms=N status=N": the peak resident set of CMD and of the
 * processes it waited for (ru_maxrss of wait4), the wall time, and its exit
 * status: 124 when it was stopped, else its own (128 + N when killed by signal
 * N).  That status is maxrss' own too.
 *
 * For test_profile_hostile.sh.  GNU time is not everywhere, and neither it
 * around timeout(1) nor timeout around it measures a command that had to be
 * killed: timeout exits without waiting for it, and its peak is lost.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	const struct timespec tick = { 0, 10 * 1000 * 1000 };
	long long t0, limit_ms;
	int wstatus, status, stopped = 0;
	struct rusage ru;
	char *end;
	pid_t pid, r;
	FILE *f;

	if (argc < 4) {
		fprintf(stderr, "usage: maxrss OUTFILE SECS CMD [ARG...]\n");
		return 2;
	}
	limit_ms = strtod(argv[2], &end) * 1000;
	if (end == argv[2] || *end || limit_ms <= 0) {
		fprintf(stderr, "maxrss: not a number of seconds: %s\n", argv[2]);
		return 2;
	}
	t0 = now_ms();
	pid = fork();
	if (pid < 0) {
		perror("maxrss: fork");
		return 127;
	}
	if (!pid) {
		execvp(argv[3], argv + 3);
		perror(argv[3]);
		_exit(127);
	}
	for (;;) {
		r = wait4(pid, &wstatus, WNOHANG, &ru);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR) {
			perror("maxrss: wait4");
			return 127;
		}
		if (now_ms() - t0 >= limit_ms + 1000 * stopped && stopped < 2) {
			kill(pid, stopped ? SIGKILL : SIGTERM);
			stopped++;
		}
		nanosleep(&tick, NULL);
	}
	if (stopped)
		status = 124;
	else if (WIFEXITED(wstatus))
		status = WEXITSTATUS(wstatus);
	else
		status = 128 + WTERMSIG(wstatus);
	f = fopen(argv[1], "w");
	if (!f ||
	    fprintf(f, "maxrss_kb=%ld wall_ms=%lld status=%d\n", ru.ru_maxrss, now_ms() - t0,
		    status) < 0 ||
	    fclose(f)) {
		perror(argv[1]);
		return 127;
	}
	return status;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * runtool READY_REGEX WORKLOAD_CMD -- TOOL ARGS...
 *
 * Start TOOL with its output in a pipe, time how long it takes to print a line
 * matching READY_REGEX (exec to ready), run WORKLOAD_CMD through sh while the
 * tool runs, then stop the tool with SIGINT and report, as key=value lines:
 *   startup_ms steady_rss_kb peak_rss_kb tool_cpu_ms workload (its stdout) lines
 * The tool's own output (a pseudo-terminal) goes to $RUNTOOL_OUT (default /dev/null), stderr to
 * $RUNTOOL_ERR.  If the ready line never comes within 30 s, exits 1.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static long vm_rss_kb(pid_t pid)
{
	char path[64], line[256];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "VmRSS:", 6))
			kb = atol(line + 6);
	}
	fclose(f);
	return kb;
}

/*
 * The tool's stdout is a pseudo-terminal, as when a person runs it: stdio then
 * flushes each line, so "ready" is seen when it is printed, for every tool.
 */
static pid_t spawn(char **argv, int *outfd)
{
	const char *err = getenv("RUNTOOL_ERR");
	int master = posix_openpt(O_RDWR | O_NOCTTY);
	struct termios tio;
	pid_t pid;

	if (master < 0 || grantpt(master) || unlockpt(master))
		return -1;
	pid = fork();
	if (pid == 0) {
		int efd = open(err ? err : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int slave = open(ptsname(master), O_RDWR | O_NOCTTY);

		if (slave < 0)
			_exit(127);
		tcgetattr(slave, &tio);
		cfmakeraw(&tio);
		tcsetattr(slave, TCSANOW, &tio);
		dup2(slave, 1);
		dup2(efd, 2);
		close(master);
		execvp(argv[0], argv);
		_exit(127);
	}
	*outfd = master;
	return pid;
}

/* Copy tool output to sink until a line matches re (or until timeout when re is NULL). */
static int pump(int fd, FILE *sink, regex_t *re, int timeout_ms, char *line, size_t *len)
{
	double end = now_ms() + timeout_ms;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char buf[4096];

	while (now_ms() < end) {
		ssize_t n, i;

		if (poll(&pfd, 1, 20) <= 0)
			continue;
		n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			return -1;
		fwrite(buf, 1, n, sink);
		for (i = 0; i < n; i++) {
			if (buf[i] != '\n') {
				if (*len < 4095)
					line[(*len)++] = buf[i];
				continue;
			}
			line[*len] = '\0';
			*len = 0;
			if (re && !regexec(re, line, 0, NULL, 0))
				return 0;
		}
	}
	return re ? -1 : 0;
}

/*
 * Run cmd through sh while copying the tool's output, as a terminal would
 * read it: a tool blocked on a full terminal would otherwise drop events.
 * The workload's own output is printed as "workload=<its first line>".
 */
static int run_workload(const char *cmd, int fd, FILE *sink, char *line, size_t *len)
{
	char tmpl[] = "/tmp/runtool.XXXXXX", out[256] = "";
	int tmp = mkstemp(tmpl), st = 0;
	pid_t pid;
	FILE *f;

	if (tmp < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(tmp, 1);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &st, WNOHANG) == 0)
		pump(fd, sink, NULL, 20, line, len);
	f = fdopen(tmp, "r");
	rewind(f);
	if (!fgets(out, sizeof(out), f))
		out[0] = '\0';
	out[strcspn(out, "\n")] = '\0';
	fclose(f);
	unlink(tmpl);
	printf("workload=%s\n", out);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int main(int argc, char **argv)
{
	const char *outpath = getenv("RUNTOOL_OUT");
	char line[4096];
	size_t len = 0;
	double start, ready;
	struct rusage ru;
	regex_t re;
	FILE *sink;
	pid_t pid;
	int fd, st, rc;

	if (argc < 5 || strcmp(argv[3], "--") || regcomp(&re, argv[1], REG_EXTENDED | REG_NOSUB)) {
		fprintf(stderr, "usage: runtool READY_REGEX WORKLOAD -- TOOL ARGS...\n");
		return 2;
	}
	sink = fopen(outpath ? outpath : "/dev/null", "w");
	start = now_ms();
	pid = spawn(argv + 4, &fd);
	if (pid < 0 || !sink)
		return 1;
	if (pump(fd, sink, &re, 30000, line, &len)) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		fprintf(stderr, "runtool: %s never became ready\n", argv[4]);
		return 1;
	}
	ready = now_ms();
	printf("startup_ms=%.2f\n", ready - start);
	pump(fd, sink, NULL, 500, line, &len);
	printf("steady_rss_kb=%ld\n", vm_rss_kb(pid));
	fflush(stdout);
	if (strcmp(argv[2], "-")) {
		rc = run_workload(argv[2], fd, sink, line, &len);
		if (rc)
			fprintf(stderr, "runtool: workload exited with %d\n", rc);
	}
	/* Let the tool drain what the workload produced before stopping it. */
	pump(fd, sink, NULL, 300, line, &len);
	kill(pid, SIGINT);
	while (pump(fd, sink, NULL, 100, line, &len) == 0 && waitpid(pid, &st, WNOHANG) == 0)
		;
	wait4(pid, &st, 0, &ru);
	pump(fd, sink, NULL, 10, line, &len);
	fclose(sink);
	printf("peak_rss_kb=%ld\n", ru.ru_maxrss);
	printf("tool_cpu_ms=%.2f\n", (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
					(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3);
	return 0;
}

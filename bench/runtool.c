// SPDX-License-Identifier: GPL-2.0
/*
 * runtool READY_REGEX WORKLOAD_CMD -- TOOL ARGS...
 *
 * Start TOOL with its output in a pipe, time how long it takes to print a line
 * matching READY_REGEX (exec to ready), run WORKLOAD_CMD through sh while the
 * tool runs, then stop the tool with SIGINT and report, as key=value lines:
 *   startup_ms steady_rss_kb    as soon as the tool is ready
 *   workload                    the first line the workload printed
 *   bpf_ns bpf_runs bpf_progs   run time and runs of the tool's BPF programs while
 *                               the workload ran (absent when they cannot be seen)
 *   peak_rss_kb tool_cpu_ms     over the tool's whole life
 *   run_cpu_ms                  the tool's CPU from the workload's start to its exit
 * The tool's own output (a pseudo-terminal) goes to $RUNTOOL_OUT (default /dev/null), stderr to
 * $RUNTOOL_ERR.  If the tool exits before its ready line, or the line does not come within
 * 30 s, or the tool exits before it is stopped, runtool exits 1; with $RUNTOOL_MAY_END set, a
 * tool that ends by itself with status 0 after the workload (its traced process is gone) is
 * reported like a stopped one.
 * READY_REGEX "@attached" is for a tool that prints nothing when it is ready:
 * it is taken to be ready 200 ms after it first holds a BPF link or perf event
 * (startup_ms then includes those 200 ms).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <poll.h>
#include <regex.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define MAX_PROGS 256

/* One BPF program the tool holds, as its fdinfo shows it. */
struct prog_stat {
	unsigned int id;
	unsigned long long run_ns;
	unsigned long long runs;
};

/* The tool's pid, for pump() to notice when the tool is gone. */
static pid_t tool;

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

/* Has the tool exited?  It is left a zombie, for wait4() to collect its rusage. */
static int tool_exited(void)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	return waitid(P_PID, tool, &si, WEXITED | WNOHANG | WNOWAIT) || si.si_pid == tool;
}

/* The CPU time, in ms, that all threads of pid have used so far; -1 if unknown. */
static double cpu_ms(pid_t pid)
{
	struct timespec ts;
	clockid_t clk;

	if (clock_getcpuclockid(pid, &clk) || clock_gettime(clk, &ts))
		return -1;
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/*
 * Keep the kernel's BPF run-time statistics on while runtool lives, whatever
 * kernel.bpf_stats_enabled says (a bench in another tree may reset it): the
 * kernel counts these holders and the sysctl together.  Returns whether the
 * statistics are on, by this or by the sysctl.
 */
static int enable_bpf_stats(void)
{
	union bpf_attr attr;
	char on = '0';
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.enable_stats.type = BPF_STATS_RUN_TIME;
	/* The fd it returns stays open (close-on-exec) until runtool exits. */
	if (syscall(__NR_bpf, BPF_ENABLE_STATS, &attr, sizeof(attr)) >= 0)
		return 1;
	fd = open("/proc/sys/kernel/bpf_stats_enabled", O_RDONLY);
	if (fd >= 0) {
		if (read(fd, &on, 1) != 1)
			on = '0';
		close(fd);
	}
	return on == '1';
}

/*
 * The BPF programs pid holds file descriptors for, each once however many fds
 * point to it, with their run time and run count from /proc/PID/fdinfo.
 * Returns how many were found.
 */
static int read_prog_stats(pid_t pid, struct prog_stat *progs)
{
	char path[64], target[64], line[128];
	struct prog_stat p;
	struct dirent *de;
	int n = 0, infofd, fd, i;
	DIR *dir;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	dir = opendir(path);
	snprintf(path, sizeof(path), "/proc/%d/fdinfo", pid);
	infofd = open(path, O_RDONLY | O_DIRECTORY);
	while (dir && infofd >= 0 && (de = readdir(dir)) && n < MAX_PROGS) {
		ssize_t len = readlinkat(dirfd(dir), de->d_name, target, sizeof(target) - 1);

		if (len < 0)
			continue;
		target[len] = '\0';
		if (strcmp(target, "anon_inode:bpf-prog"))
			continue;
		fd = openat(infofd, de->d_name, O_RDONLY);
		f = fd < 0 ? NULL : fdopen(fd, "r");
		if (!f) {
			if (fd >= 0)
				close(fd);
			continue;
		}
		memset(&p, 0, sizeof(p));
		while (fgets(line, sizeof(line), f)) {
			sscanf(line, "prog_id: %u", &p.id);
			sscanf(line, "run_time_ns: %llu", &p.run_ns);
			sscanf(line, "run_cnt: %llu", &p.runs);
		}
		fclose(f);
		for (i = 0; i < n && progs[i].id != p.id; i++)
			;
		if (p.id && i == n)
			progs[n++] = p;
	}
	if (infofd >= 0)
		close(infofd);
	if (dir)
		closedir(dir);
	return n;
}

/*
 * Print what the tool's BPF programs did between two snapshots: programs in
 * the second and not the first count from zero.  Nothing is printed when no
 * program fd was found (a tool may keep its programs only through links), so
 * that "not seen" never reads as "free".
 */
static void print_prog_stats(const struct prog_stat *before, int nbefore,
			     const struct prog_stat *after, int nafter)
{
	unsigned long long ns = 0, runs = 0;
	int i, j;

	if (!nafter)
		return;
	for (i = 0; i < nafter; i++) {
		ns += after[i].run_ns;
		runs += after[i].runs;
		for (j = 0; j < nbefore; j++) {
			if (before[j].id == after[i].id) {
				ns -= before[j].run_ns;
				runs -= before[j].runs;
				break;
			}
		}
	}
	printf("bpf_ns=%llu\nbpf_runs=%llu\nbpf_progs=%d\n", ns, runs, nafter);
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

/*
 * Copy tool output to sink until a line matches re (or until timeout when re is
 * NULL).  Returns -1 at once when the tool has gone away.
 */
static int pump(int fd, FILE *sink, regex_t *re, int timeout_ms, char *line, size_t *len)
{
	double end = now_ms() + timeout_ms;
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char buf[4096];

	while (now_ms() < end) {
		ssize_t n, i;

		if (poll(&pfd, 1, 20) <= 0) {
			if (tool_exited())
				return -1;
			continue;
		}
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
 * Returns the workload's exit status, or -2 if the tool died meanwhile.
 */
static int run_workload(const char *cmd, int fd, FILE *sink, char *line, size_t *len)
{
	char tmpl[] = "/tmp/runtool.XXXXXX", out[256] = "";
	int tmp = mkstemp(tmpl), st = 0, gone = 0;
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
	while (!gone && waitpid(pid, &st, WNOHANG) == 0)
		gone = pump(fd, sink, NULL, 20, line, len);
	if (gone)
		waitpid(pid, &st, 0);
	f = fdopen(tmp, "r");
	rewind(f);
	if (!fgets(out, sizeof(out), f))
		out[0] = '\0';
	out[strcspn(out, "\n")] = '\0';
	fclose(f);
	unlink(tmpl);
	printf("workload=%s\n", out);
	if (gone)
		return -2;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Does the tool hold a BPF link or a perf event (a program attached)? */
static int tool_attached(void)
{
	char dir[64], path[384], target[64];
	struct dirent *d;
	int found = 0;
	DIR *fds;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)tool);
	fds = opendir(dir);
	while (fds && !found && (d = readdir(fds))) {
		ssize_t n;

		snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		found = strstr(target, "bpf_link") || strstr(target, "perf_event");
	}
	if (fds)
		closedir(fds);
	return found;
}

/* Wait (copying output to sink) until the tool is attached, then 200 ms more. */
static int wait_attached(int fd, FILE *sink, char *line, size_t *len)
{
	double end = now_ms() + 30000;

	while (now_ms() < end) {
		if (tool_attached())
			return pump(fd, sink, NULL, 200, line, len) == -1 && tool_exited() ? -1 : 0;
		if (pump(fd, sink, NULL, 10, line, len) == -1 && tool_exited())
			return -1;
	}
	return -1;
}

int main(int argc, char **argv)
{
	static struct prog_stat before[MAX_PROGS], after[MAX_PROGS];
	const char *outpath = getenv("RUNTOOL_OUT");
	int may_end = getenv("RUNTOOL_MAY_END") != NULL, ended = 0;
	double start, ready, cpu0, cpu;
	int fd, st, rc, i, gone, stats, attached, nbefore = 0, nafter = 0;
	char line[4096];
	size_t len = 0;
	struct rusage ru;
	regex_t re;
	FILE *sink;

	attached = argc > 1 && !strcmp(argv[1], "@attached");
	if (argc < 5 || strcmp(argv[3], "--") || regcomp(&re, argv[1], REG_EXTENDED | REG_NOSUB)) {
		fprintf(stderr, "usage: runtool READY_REGEX WORKLOAD -- TOOL ARGS...\n");
		return 2;
	}
	sink = fopen(outpath ? outpath : "/dev/null", "w");
	stats = enable_bpf_stats();
	start = now_ms();
	tool = spawn(argv + 4, &fd);
	if (tool < 0 || !sink)
		return 1;
	if (attached ? wait_attached(fd, sink, line, &len) : pump(fd, sink, &re, 30000, line, &len)) {
		/* Closed output means it is on its way out: give it a moment to finish. */
		for (i = 0; i < 50 && !tool_exited(); i++)
			usleep(10000);
		if (tool_exited()) {
			waitpid(tool, &st, 0);
			fprintf(stderr, "runtool: %s exited before it was ready (%s %d)\n", argv[4],
				WIFSIGNALED(st) ? "signal" : "status",
				WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
		} else {
			kill(tool, SIGKILL);
			waitpid(tool, &st, 0);
			fprintf(stderr, "runtool: %s never became ready\n", argv[4]);
		}
		return 1;
	}
	ready = now_ms();
	printf("startup_ms=%.2f\n", ready - start);
	gone = pump(fd, sink, NULL, 500, line, &len);
	printf("steady_rss_kb=%ld\n", vm_rss_kb(tool));
	fflush(stdout);
	nbefore = read_prog_stats(tool, before);
	cpu0 = cpu_ms(tool);
	if (!gone && strcmp(argv[2], "-")) {
		rc = run_workload(argv[2], fd, sink, line, &len);
		if (rc > 0 || rc == -1)
			fprintf(stderr, "runtool: workload failed (%d)\n", rc);
		gone = rc == -2;
	}
	nafter = read_prog_stats(tool, after);
	/* Let the tool drain what the workload produced before stopping it. */
	if (gone || pump(fd, sink, NULL, 300, line, &len)) {
		ended = 1;
		if (!may_end) {
			fprintf(stderr, "runtool: %s exited before it was stopped\n", argv[4]);
			waitpid(tool, &st, 0);
			fclose(sink);
			return 1;
		}
	}
	if (stats)
		print_prog_stats(before, nbefore, after, nafter);
	if (!ended)
		kill(tool, SIGINT);
	while (pump(fd, sink, NULL, 100, line, &len) == 0 && !tool_exited())
		;
	wait4(tool, &st, 0, &ru);
	if (ended && !(WIFEXITED(st) && WEXITSTATUS(st) == 0)) {
		fprintf(stderr, "runtool: %s ended by itself with %s %d\n", argv[4],
			WIFSIGNALED(st) ? "signal" : "status",
			WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
		fclose(sink);
		return 1;
	}
	pump(fd, sink, NULL, 10, line, &len);
	fclose(sink);
	cpu = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	      (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
	printf("peak_rss_kb=%ld\n", ru.ru_maxrss);
	printf("tool_cpu_ms=%.2f\n", cpu);
	if (cpu0 >= 0)
		printf("run_cpu_ms=%.2f\n", cpu - cpu0);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Event storms for the benchmark; each runs the requested number of operations,
 * then prints the mean cost of one in nanoseconds: elapsed time, then CPU time
 * (its own threads and the children it waited for, user and system).
 *
 *   storm open N PATH        open()+close() of PATH
 *   storm exec N PROG        fork()+exec(PROG)+wait()
 *   storm pingpong N         two threads bouncing a byte through pipes
 *   storm tcp N              the same over a loopback TCP connection (softirqs)
 *   storm dio N DEV          4 KiB O_DIRECT reads from DEV
 *   storm spin N             a fixed unit of CPU work (profile's target)
 *   storm malloc N           malloc(64)+free() (memleak's uprobes)
 *   storm resolve N          getaddrinfo("localhost") (gethostlatency's uprobes)
 *
 * With STORM_STOPPED=1 in its environment, a storm stops itself (SIGSTOP)
 * before it starts, so a tool can be attached to its PID first; SIGCONT
 * starts it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netdb.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* CPU time used so far by this process and its waited-for children, in ns. */
static double cpu_ns(void)
{
	struct rusage self, kids;

	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &kids);
	return (self.ru_utime.tv_sec + self.ru_stime.tv_sec +
		kids.ru_utime.tv_sec + kids.ru_stime.tv_sec) * 1e9 +
	       (self.ru_utime.tv_usec + self.ru_stime.tv_usec +
		kids.ru_utime.tv_usec + kids.ru_stime.tv_usec) * 1e3;
}

static int storm_open(long n, const char *path)
{
	long i;

	for (i = 0; i < n; i++) {
		int fd = open(path, O_RDONLY);

		if (fd < 0)
			return -1;
		close(fd);
	}
	return 0;
}

static int storm_exec(long n, const char *prog)
{
	long i;

	for (i = 0; i < n; i++) {
		pid_t pid = fork();
		int st;

		if (pid == 0) {
			execl(prog, prog, (char *)NULL);
			_exit(127);
		}
		if (pid < 0 || waitpid(pid, &st, 0) < 0)
			return -1;
	}
	return 0;
}

/* The ponger's ends: it reads a byte from pong_rd and writes it back to pong_wr. */
static int pong_rd, pong_wr;
static long rounds;

static void *ponger(void *arg)
{
	char c;
	long i;

	(void)arg;
	for (i = 0; i < rounds; i++) {
		if (read(pong_rd, &c, 1) != 1 || write(pong_wr, &c, 1) != 1)
			break;
	}
	return NULL;
}

/* n round trips of a byte: written to wr, back from rd. */
static int bounce(long n, int wr, int rd)
{
	pthread_t t;
	char c = 'x';
	long i;

	rounds = n;
	if (pthread_create(&t, NULL, ponger, NULL))
		return -1;
	for (i = 0; i < n; i++) {
		if (write(wr, &c, 1) != 1 || read(rd, &c, 1) != 1)
			return -1;
	}
	pthread_join(t, NULL);
	return 0;
}

static int storm_pingpong(long n)
{
	int ping[2], pong[2];

	if (pipe(ping) || pipe(pong))
		return -1;
	pong_rd = ping[0];
	pong_wr = pong[1];
	return bounce(n, ping[1], pong[0]);
}

static int storm_tcp(long n)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int l, c, one = 1;

	l = socket(AF_INET, SOCK_STREAM, 0);
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (l < 0 || c < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 1) ||
	    getsockname(l, (struct sockaddr *)&a, &len) ||
	    connect(c, (struct sockaddr *)&a, sizeof(a)))
		return -1;
	pong_rd = pong_wr = accept(l, NULL, NULL);
	if (pong_rd < 0 || setsockopt(c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) ||
	    setsockopt(pong_wr, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)))
		return -1;
	return bounce(n, c, c);
}

static int storm_dio(long n, const char *dev)
{
	void *buf;
	off_t size;
	long i;
	int fd = open(dev, O_RDONLY | O_DIRECT);

	if (fd < 0 || posix_memalign(&buf, 4096, 4096))
		return -1;
	size = lseek(fd, 0, SEEK_END) / 4096;
	for (i = 0; i < n; i++) {
		if (pread(fd, buf, 4096, (i * 7919 % size) * 4096) != 4096)
			return -1;
	}
	free(buf);
	close(fd);
	return 0;
}

volatile unsigned long spin_sink;

__attribute__((noinline)) static void spin_unit(void)
{
	unsigned long i;

	for (i = 0; i < 1000; i++)
		spin_sink += i;
}

static int storm_spin(long n)
{
	long i;

	for (i = 0; i < n; i++)
		spin_unit();
	return 0;
}

static int storm_malloc(long n)
{
	long i;

	for (i = 0; i < n; i++) {
		void *volatile p = malloc(64);

		if (!p)
			return -1;
		free(p);
	}
	return 0;
}

static int storm_resolve(long n)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *res;
	long i;

	for (i = 0; i < n; i++) {
		if (getaddrinfo("localhost", NULL, &hints, &res)) {
			errno = ENOENT;
			return -1;
		}
		freeaddrinfo(res);
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *arg = argc > 3 ? argv[3] : NULL;
	double start, elapsed, cpu;
	long n;
	int err;

	if (argc < 3 || (n = atol(argv[2])) <= 0) {
		fprintf(stderr, "usage: storm open|exec|pingpong|tcp|dio|spin|malloc|resolve N [PATH]\n");
		return 2;
	}
	if (getenv("STORM_STOPPED"))
		raise(SIGSTOP);
	cpu = cpu_ns();
	start = now_ns();
	if (!strcmp(argv[1], "open") && arg)
		err = storm_open(n, arg);
	else if (!strcmp(argv[1], "exec") && arg)
		err = storm_exec(n, arg);
	else if (!strcmp(argv[1], "pingpong"))
		err = storm_pingpong(n);
	else if (!strcmp(argv[1], "tcp"))
		err = storm_tcp(n);
	else if (!strcmp(argv[1], "dio") && arg)
		err = storm_dio(n, arg);
	else if (!strcmp(argv[1], "spin"))
		err = storm_spin(n);
	else if (!strcmp(argv[1], "malloc"))
		err = storm_malloc(n);
	else if (!strcmp(argv[1], "resolve"))
		err = storm_resolve(n);
	else
		err = -2;
	elapsed = now_ns() - start;
	cpu = cpu_ns() - cpu;
	if (err) {
		fprintf(stderr, "storm %s: %s\n", argv[1], err == -2 ? "bad arguments" : strerror(errno));
		return 1;
	}
	printf("%.1f %.1f\n", elapsed / n, cpu / n);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/* lib/spawn.c: splitting a command line; a held command runs only once let go, and is stopped. */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "spawn.h"
#include "unit.h"

static void test_split(void)
{
	char line[] = "  ./allocs  -n\t10 ", *argv[4], prog[16];

	CHECK("split: three words, spaces and tabs",
	      spawn_split(line, argv, 4) == 3 && !strcmp(argv[0], "./allocs") &&
		      !strcmp(argv[1], "-n") && !strcmp(argv[2], "10") && !argv[3],
	      "split wrong");
	strcpy(line, "a b c d e");
	CHECK("split: at most max - 1 words", spawn_split(line, argv, 4) == 3 && !argv[3],
	      "not cut");
	CHECK("program: the first word",
	      spawn_program(" /bin/true x", prog, sizeof(prog)) == 9 && !strcmp(prog, "/bin/true"),
	      "%s", prog);
	CHECK("program: none in blanks", spawn_program("  ", prog, sizeof(prog)) == 0, "found");
	CHECK("program: too long for buf", spawn_program("averyveryverylongname", prog, 8) == 0,
	      "found");
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void test_held(void)
{
	struct spawn s;
	int status = -1;
	double t0;

	CHECK("held: started", !spawn_held(&s, "true") && s.pid > 0, "no child");
	usleep(100000);
	CHECK("held: still waiting before the release", waitpid(s.pid, &status, WNOHANG) == 0,
	      "ended early");
	spawn_release(&s);
	CHECK("released: runs true, exits 0",
	      waitpid(s.pid, &status, 0) == s.pid && WIFEXITED(status) && !WEXITSTATUS(status),
	      "status %d", status);
	s.pid = 0;
	spawn_end(&s);

	CHECK("a long command: started", !spawn_held(&s, "sleep 30"), "no child");
	spawn_release(&s);
	t0 = now();
	spawn_end(&s);
	CHECK("spawn_end stops a running command at once", now() - t0 < 2 && !s.pid, "%.1f s",
	      now() - t0);
	CHECK("never released: the child exits by itself",
	      !spawn_held(&s, "true") && (close(s.go), waitpid(s.pid, &status, 0) == s.pid) &&
		      WIFEXITED(status) && WEXITSTATUS(status) == 127,
	      "status %d", status);
}

int main(void)
{
	test_split();
	test_held();
	return unit_exit();
}

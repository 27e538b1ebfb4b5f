// SPDX-License-Identifier: GPL-2.0
/* lib/offcpu.c: the options and header words the off-CPU tools share. */
#include <argp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "offcpu.h"
#include "opts.h"
#include "unit.h"

/* Run fn in a child (a usage error exits 2); its exit status and stderr into err. */
static int in_child(void (*fn)(void), char *err, size_t len)
{
	int pipefd[2], st;
	ssize_t n;
	pid_t pid;

	if (pipe(pipefd))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(pipefd[1], 2);
		fn();
		_exit(0);
	}
	close(pipefd[1]);
	n = read(pipefd[0], err, len - 1);
	err[n > 0 ? n : 0] = '\0';
	close(pipefd[0]);
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void min_zero(void)
{
	offcpu_parse_opt('m', "0");
}

static void min_above_max(void)
{
	offcpu_parse_opt('m', "100");
	offcpu_parse_opt('M', "99");
	offcpu_check_opts();
}

static void user_and_kernel_threads(void)
{
	offcpu_parse_opt('u', NULL);
	offcpu_parse_opt('k', NULL);
	offcpu_check_opts();
}

static void pid_and_user_threads(void)
{
	gopts.npids = 1;
	offcpu_parse_opt('u', NULL);
	offcpu_check_opts();
}

static void both_stack_sides(void)
{
	offcpu_parse_opt('U', NULL);
	offcpu_parse_opt('K', NULL);
	offcpu_check_opts();
}

static void test_parse(void)
{
	char err[512];
	int rc;

	CHECK("defaults: any state, 1 us up, no limit, 16384 stacks",
	      offcpu_opts.state == -1 && offcpu_opts.min_us == 1 && offcpu_opts.max_us == ~0ULL &&
		      offcpu_opts.stack_storage == 16384,
	      "state %ld min %llu max %llu storage %ld", offcpu_opts.state, offcpu_opts.min_us,
	      offcpu_opts.max_us, offcpu_opts.stack_storage);
	CHECK("-m, -M, --state parse",
	      !offcpu_parse_opt('m', "1000") && !offcpu_parse_opt('M', "18446744073709551615") &&
		      !offcpu_parse_opt(OFFCPU_OPT_STATE, "2") && offcpu_opts.min_us == 1000 &&
		      offcpu_opts.max_us == ~0ULL && offcpu_opts.state == 2,
	      "min %llu max %llu state %ld", offcpu_opts.min_us, offcpu_opts.max_us,
	      offcpu_opts.state);
	CHECK("another key is not ours", offcpu_parse_opt('p', "1") == ARGP_ERR_UNKNOWN, "handled");
	rc = in_child(min_zero, err, sizeof(err));
	CHECK("-m 0 is a usage error", rc == 2 && strstr(err, "'0' for -m"), "status %d: %s", rc,
	      err);
	rc = in_child(min_above_max, err, sizeof(err));
	CHECK("-m above -M is a usage error", rc == 2 && strstr(err, "-m 100 is above -M 99"),
	      "status %d: %s", rc, err);
	rc = in_child(user_and_kernel_threads, err, sizeof(err));
	CHECK("-u with -k is a usage error", rc == 2 && strstr(err, "exclusive"), "status %d: %s",
	      rc, err);
	rc = in_child(pid_and_user_threads, err, sizeof(err));
	CHECK("-p with -u is a usage error", rc == 2 && strstr(err, "exclusive"), "status %d: %s",
	      rc, err);
	rc = in_child(both_stack_sides, err, sizeof(err));
	CHECK("-U with -K is a usage error", rc == 2 && strstr(err, "-U and -K"), "status %d: %s",
	      rc, err);
}

static void test_words(void)
{
	CHECK_STR("all threads", offcpu_threads_desc(), "all threads");
	CHECK_STR("user + kernel stacks", offcpu_stacks_desc(), "user + kernel");
	CHECK_STR("until Ctrl-C", offcpu_until_desc(), "... Hit Ctrl-C to end.");
	gopts.pids[0] = 185;
	gopts.pids[1] = 186;
	gopts.npids = 2;
	gopts.duration = 5;
	offcpu_opts.kernel_stacks_only = true;
	CHECK_STR("PID list", offcpu_threads_desc(), "PID 185,186");
	CHECK_STR("kernel stacks", offcpu_stacks_desc(), "kernel");
	CHECK_STR("for DURATION", offcpu_until_desc(), " for 5 secs.");
	gopts.npids = 0;
	gopts.tids[0] = 188;
	gopts.ntids = 1;
	CHECK_STR("TID", offcpu_threads_desc(), "TID 188");
	gopts.ntids = 0;
	offcpu_opts.kernel_threads = true;
	CHECK_STR("kernel threads", offcpu_threads_desc(), "kernel threads");
}

int main(void)
{
	test_parse();
	test_words();
	return unit_exit();
}

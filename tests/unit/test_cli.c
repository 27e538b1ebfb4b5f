// SPDX-License-Identifier: GPL-2.0
/* Option validation: bad values exit 2 with one line naming the option. */
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "unit.h"

struct outcome {
	int status;
	char err[512];
	long value;
};

/* Run parse(arg) in a child: validation failures exit, so they need a process. */
static struct outcome run(long (*parse)(const char *), const char *arg)
{
	struct outcome o = { .status = -1 };
	int errpipe[2], valpipe[2], st;
	size_t len;
	ssize_t n;
	pid_t pid;

	if (pipe(errpipe) || pipe(valpipe))
		return o;
	fflush(stdout); /* the child exits through exit(), which flushes inherited buffers */
	pid = fork();
	if (pid == 0) {
		long v;

		dup2(errpipe[1], 2);
		v = parse(arg);
		if (write(valpipe[1], &v, sizeof(v)) != sizeof(v))
			_exit(99);
		_exit(0);
	}
	close(errpipe[1]);
	close(valpipe[1]);
	for (len = 0; len < sizeof(o.err) - 1; len += n) {
		n = read(errpipe[0], o.err + len, sizeof(o.err) - 1 - len);
		if (n <= 0)
			break;
	}
	o.err[len] = '\0';
	if (read(valpipe[0], &o.value, sizeof(o.value)) != sizeof(o.value))
		o.value = -1;
	waitpid(pid, &st, 0);
	o.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	close(errpipe[0]);
	close(valpipe[0]);
	return o;
}

static long parse_interval(const char *a)
{
	return cli_parse_long("interval", a, 1, 100);
}
static long parse_pid(const char *a)
{
	return cli_parse_pid("-p", a);
}
static long parse_tid(const char *a)
{
	return cli_parse_tid("-L", a);
}
static long parse_uid(const char *a)
{
	return cli_parse_uid("-u", a);
}
static long parse_ull(const char *a)
{
	return (long)cli_parse_ull("-c", a);
}

static bool one_line(const char *s)
{
	const char *nl = strchr(s, '\n');

	return nl && nl[1] == '\0';
}

#define EXPECT_ERROR(name, fn, arg, needle)                                            \
	do {                                                                           \
		struct outcome o = run(fn, arg);                                       \
		CHECK(name, o.status == 2 && one_line(o.err) && strstr(o.err, needle), \
		      "status %d, stderr \"%s\"", o.status, o.err);                    \
	} while (0)

#define EXPECT_VALUE(name, fn, arg, want)                                                 \
	do {                                                                              \
		struct outcome o = run(fn, arg);                                          \
		CHECK(name, o.status == 0 && o.value == (want), "status %d value %ld %s", \
		      o.status, o.value, o.err);                                          \
	} while (0)

/* What a message echoes of the user's input: escaped, one line, cut. */
static void test_echo_hygiene(void)
{
	static char huge[65536];
	struct outcome o;

	o = run(parse_interval, "1\n2\x1b[31m\xe2\x80\xae");
	CHECK("newline, ESC and U+202E in an echo are escaped",
	      o.status == 2 && one_line(o.err) && strstr(o.err, "1\\x0a2\\x1b[31m\\xe2\\x80\\xae") &&
		      !strchr(o.err, '\x1b'),
	      "status %d, stderr \"%s\"", o.status, o.err);
	memset(huge, 'a', sizeof(huge) - 1);
	o = run(parse_interval, huge);
	CHECK("a 64 KiB argument is echoed cut, with ...",
	      o.status == 2 && one_line(o.err) && strlen(o.err) < 200 && strstr(o.err, "aaa...'"),
	      "status %d, %zu bytes", o.status, strlen(o.err));
}

int main(void)
{
	char self[16];

	snprintf(self, sizeof(self), "%d", getpid());
	EXPECT_VALUE("number in range accepted", parse_interval, "5", 5);
	EXPECT_VALUE("leading zeros are decimal, not octal", parse_interval, "010", 10);
	EXPECT_VALUE("09 is nine", parse_interval, "09", 9);
	EXPECT_ERROR("hex rejected", parse_interval, "0x10", "not a number");
	EXPECT_ERROR("leading space rejected", parse_interval, " 1", "not a number");
	EXPECT_ERROR("trailing space rejected", parse_interval, "1 ", "not a number");
	EXPECT_ERROR("plus sign rejected", parse_interval, "+5", "not a number");
	EXPECT_ERROR("negative is out of range", parse_interval, "-5", "must be 1..100");
	EXPECT_ERROR("non-number rejected", parse_interval, "5s", "not a number");
	EXPECT_ERROR("empty rejected", parse_interval, "", "not a number");
	EXPECT_ERROR("zero below range rejected", parse_interval, "0", "must be 1..100");
	EXPECT_ERROR("above range rejected", parse_interval, "101", "must be 1..100");
	EXPECT_ERROR("overflow rejected", parse_interval, "99999999999999999999999",
		     "not a number");
	EXPECT_VALUE("live pid accepted", parse_pid, self, getpid());
	EXPECT_ERROR("dead pid rejected", parse_pid, "2147483646", "no such process");
	EXPECT_ERROR("negative pid rejected", parse_pid, "-1", "-p");
	EXPECT_VALUE("live tid accepted", parse_tid, self, getpid());
	EXPECT_ERROR("dead tid rejected", parse_tid, "2147483646", "no such thread");
	EXPECT_VALUE("numeric uid accepted", parse_uid, "1234", 1234);
	EXPECT_VALUE("user name accepted", parse_uid, "root", 0);
	EXPECT_ERROR("unknown user rejected", parse_uid, "no_such_user_xyz", "no such user");
	EXPECT_ERROR("a passwd line is no user name", parse_uid, "root:x:0", "no such user");
	EXPECT_ERROR("a prefix of a user name is none", parse_uid, "roo", "no such user");
	EXPECT_ERROR("empty user rejected", parse_uid, "", "no such user");
	test_echo_hygiene();
	EXPECT_ERROR("negative count rejected", parse_ull, "-5", "non-negative");
	return unit_exit();
}

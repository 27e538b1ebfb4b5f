// SPDX-License-Identifier: GPL-2.0
/* open(2) flags by name (lib/openflags.c): lists read from an option, names for output. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "openflags.h"
#include "shared.h"
#include "unit.h"

/* Parse list in a child (a bad list exits); its exit status. */
static int parse_status(const char *list)
{
	struct open_flags_filter f = { 0, 0 };
	int st;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (!freopen("/dev/null", "w", stderr))
			_exit(98);
		open_flags_parse("-f", list, &f);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The names of flags joined with '|'. */
static const char *joined(unsigned long long flags)
{
	static char buf[512];
	size_t i, n = open_flags_names(flags, buf, sizeof(buf));

	for (i = 0; i + 1 < n; i++)
		buf[i] = buf[i] ? buf[i] : '|';
	buf[n ? n - 1 : 0] = '\0';
	return buf;
}

static void test_parse(void)
{
	struct open_flags_filter f = { 0, 0 };
	static const char *const bad[] = {
		",",  "O_WRONLY,", ",O_WRONLY", "O_WRONLY,,O_CREAT", "O_WRONLY|", "O_BOGUS",
		"O_", "0x1g",	   "-1",	" O_CREAT"
	};
	char name[64];
	size_t i;

	open_flags_parse("-f", "O_WRONLY,creat|o_trunc", &f);
	CHECK("openflags: names, any case, O_ optional, ',' and '|'",
	      f.accmodes == 1u << O_WRONLY && f.any == (O_CREAT | O_TRUNC),
	      "accmodes %#x any %#llo", f.accmodes, f.any);
	open_flags_parse("-f", "O_RDONLY", &f);
	open_flags_parse("-f", "O_SYNC,O_TMPFILE", &f);
	CHECK("openflags: repeated lists add up; O_SYNC and O_TMPFILE by their own bits",
	      f.accmodes == (1u << O_RDONLY | 1u << O_WRONLY) &&
		      f.any == (O_CREAT | O_TRUNC | (O_SYNC & ~O_DSYNC) |
				(O_TMPFILE & ~O_DIRECTORY)),
	      "accmodes %#x any %#llo", f.accmodes, f.any);
	f = (struct open_flags_filter){ 0, 0 };
	open_flags_parse("-f", "0101,0", &f);
	CHECK("openflags: numbers (octal) give an access mode and flags",
	      f.accmodes == (1u << O_RDONLY | 1u << O_WRONLY) && f.any == O_CREAT,
	      "accmodes %#x any %#llo", f.accmodes, f.any);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(name, sizeof(name), "openflags: '%s' is a usage error", bad[i]);
		CHECK(name, parse_status(bad[i]) == 2, "status %d", parse_status(bad[i]));
	}
}

static void test_names(void)
{
	char buf[12];

	CHECK_STR("openflags: access mode first, then the flags",
		  joined(O_WRONLY | O_CREAT | O_CLOEXEC), "O_WRONLY|O_CREAT|O_CLOEXEC");
	CHECK_STR("openflags: O_SYNC without the O_DSYNC it includes", joined(O_RDWR | O_SYNC),
		  "O_RDWR|O_SYNC");
	CHECK_STR("openflags: O_DSYNC alone", joined(O_DSYNC), "O_RDONLY|O_DSYNC");
	CHECK_STR("openflags: O_TMPFILE without O_DIRECTORY", joined(O_RDWR | O_TMPFILE),
		  "O_RDWR|O_TMPFILE");
	CHECK_STR("openflags: O_DIRECTORY alone", joined(O_DIRECTORY), "O_RDONLY|O_DIRECTORY");
	CHECK("openflags: names that do not fit are left out",
	      open_flags_names(O_WRONLY | O_CREAT, buf, 12) == 9 && !strcmp(buf, "O_WRONLY"),
	      "wrote '%s'", buf);
}

int main(void)
{
	test_parse();
	test_names();
	return unit_exit();
}

// SPDX-License-Identifier: GPL-2.0
/* Signals by name and number (lib/signals.c): labels, parsing, -s lists. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "signals.h"
#include "unit.h"

/* Parse list in a child (a bad list exits); its exit status. */
static int list_status(const char *list)
{
	struct signal_set set = { 0, false, false };
	int st;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		if (!freopen("/dev/null", "w", stderr))
			_exit(98);
		signal_set_parse("-s", list, &set);
		_exit(0);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_labels(void)
{
	char buf[32];
	const char *none;

	CHECK_STR("signals: 9 is SIGKILL", signal_label(9, buf, sizeof(buf)), "SIGKILL");
	CHECK_STR("signals: 31 is SIGSYS", signal_label(31, buf, sizeof(buf)), "SIGSYS");
	CHECK_STR("signals: 32 is SIG32 (the C library's)", signal_label(32, buf, sizeof(buf)),
		  "SIG32");
	CHECK_STR("signals: 34 is SIGRTMIN", signal_label(34, buf, sizeof(buf)), "SIGRTMIN");
	CHECK_STR("signals: 40 is SIGRTMIN+6", signal_label(40, buf, sizeof(buf)), "SIGRTMIN+6");
	CHECK_STR("signals: 64 is SIGRTMAX", signal_label(64, buf, sizeof(buf)), "SIGRTMAX");
	none = signal_label(0, buf, sizeof(buf));
	CHECK("signals: 0 and 65 have no name", !none && !signal_label(65, buf, sizeof(buf)),
	      "0: %s", none ? none : "(null)");
}

static void test_parse(void)
{
	static const struct {
		const char *s;
		int sig;
	} cases[] = {
		{ "0", 0 },	   { "9", 9 },	      { "64", 64 },    { "TERM", 15 },
		{ "sigterm", 15 }, { "SigUsr1", 10 }, { "RTMIN", 34 }, { "SIGRTMIN+6", 40 },
		{ "rtmax", 64 },   { "RTMAX-2", 62 }, { "65", -1 },    { "-1", -1 },
		{ "09x", -1 },	   { "", -1 },	      { "SIG", -1 },   { "RTMIN+31", -1 },
		{ "RTMIN-1", -1 }, { "RTMAX+1", -1 }, { "KILLX", -1 }, { "1000", -1 },
	};
	char name[64];
	size_t i;
	int got;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		got = signal_parse(cases[i].s);
		snprintf(name, sizeof(name), "signals: parse \"%s\"", cases[i].s);
		CHECK(name, got == cases[i].sig, "got %d, want %d", got, cases[i].sig);
	}
}

static void test_lists(void)
{
	static const char *const bad[] = { ",", "9,", ",9", "9,,15", "65", "TERM,FOO", "" };
	struct signal_set set = { 0, false, false };
	char name[64];
	size_t i;

	signal_set_parse("-s", "9,TERM,0,RTMAX", &set);
	CHECK("signals: a list sets its bits, 0 apart",
	      set.any && set.zero && set.mask == (1ULL << 8 | 1ULL << 14 | 1ULL << 63),
	      "any %d zero %d mask %#llx", set.any, set.zero, set.mask);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(name, sizeof(name), "signals: list \"%s\" is a usage error", bad[i]);
		CHECK(name, list_status(bad[i]) == 2, "status %d", list_status(bad[i]));
	}
}

int main(void)
{
	test_labels();
	test_parse();
	test_lists();
	return unit_exit();
}

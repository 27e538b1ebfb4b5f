// SPDX-License-Identifier: GPL-2.0
/* lib/ports.c: the port lists of the network tools (-L, -D, -P). */
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ports.h"
#include "unit.h"

/* Parse arg in a child (a bad list exits 2); its stderr into err. */
static int parse_in_child(const char *arg, char *err, size_t len)
{
	struct port_set s = {};
	int pipefd[2], st;
	ssize_t n;
	pid_t pid;

	if (pipe(pipefd))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		dup2(pipefd[1], 2);
		port_set_parse(&s, "-L", arg);
		_exit(0);
	}
	close(pipefd[1]);
	n = read(pipefd[0], err, len - 1);
	err[n > 0 ? n : 0] = '\0';
	close(pipefd[0]);
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void test_lists(void)
{
	static struct port_set s;
	volatile unsigned char bits[PORT_SET_BYTES];
	volatile bool on = true;
	int i, set = 0;

	port_set_copy(&s, bits, &on);
	CHECK("no list: no filter", !on && !bits[0], "on %d", on);
	port_set_parse(&s, "-L", "80,443,0,65535");
	port_set_parse(&s, "-L", "8080");
	CHECK("listed ports are in the set",
	      port_set_has(&s, 80) && port_set_has(&s, 443) && port_set_has(&s, 0) &&
		      port_set_has(&s, 65535) && port_set_has(&s, 8080),
	      "n %d", s.n);
	CHECK("neighbours are not",
	      !port_set_has(&s, 79) && !port_set_has(&s, 81) && !port_set_has(&s, 65534) &&
		      !port_set_has(&s, 1) && !port_set_has(&s, 65536),
	      "n %d", s.n);
	for (i = 0; i < 65536; i++)
		set += port_set_has(&s, i);
	CHECK("exactly five bits", set == 5 && s.n == 5, "%d bits, n %d", set, s.n);
	port_set_copy(&s, bits, &on);
	CHECK("copied for the BPF side: bit port%8 of byte port/8",
	      on && bits[80 / 8] == (1 << (80 % 8)) && bits[8191] == 0x80 && bits[0] == 1,
	      "on %d, byte 10: %#x", on, bits[10]);

	static struct port_set r;
	set = 0;
	port_set_parse(&r, "-P", "8000-8063,22,60-130");
	for (i = 0; i < 65536; i++)
		set += port_set_has(&r, i);
	CHECK("ranges: LOW-HIGH, both ends in, across bytes",
	      set == 64 + 1 + 71 && port_set_has(&r, 8000) && port_set_has(&r, 8063) &&
		      !port_set_has(&r, 8064) && !port_set_has(&r, 59) && port_set_has(&r, 22),
	      "%d bits", set);
}

static void test_errors(void)
{
	static const struct {
		const char *arg, *why;
	} bad[] = {
		{ "", "an empty port in the list" },
		{ "80,", "an empty port in the list" },
		{ "80,,81", "an empty port in the list" },
		{ "65536", "-L" },
		{ "-1", "-L" },
		{ "0x50", "-L" },
		{ "http", "-L" },
		{ "123456789012", "not a port number" },
		{ " 80", "-L" },
		{ "90-80", "a range must not end below its start" },
		{ "80-", "an empty port in the list" },
		{ "80-70000", "-L" },
	};
	char err[512], name[128];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int st = parse_in_child(bad[i].arg, err, sizeof(err));

		snprintf(name, sizeof(name), "'%s' is a one-line usage error", bad[i].arg);
		CHECK(name,
		      st == 2 && strstr(err, bad[i].why) && strchr(err, '\n') == strrchr(err, '\n'),
		      "status %d: %s", st, err);
	}
}

int main(void)
{
	test_lists();
	test_errors();
	return unit_exit();
}

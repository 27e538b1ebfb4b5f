// SPDX-License-Identifier: GPL-2.0
/*
 * lib/usdt.c: the USDT probes of an object, read from its .note.stapsdt:
 * this test's own probes (tests/helpers/usdt_sdt.h), each once, with and
 * without a semaphore; a probe it does not have; a file that is no ELF
 * object; which object of a process has a probe.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "usdt.h"
#include "unit.h"
#include "../helpers/usdt_sdt.h"

USDT_SEMAPHORE(bpfscope_test, with__sem);
USDT_SEMAPHORE(bpfscope_test, without__sem); /* (the note names it; never raised) */

static void probes(long x)
{
	USDT1(bpfscope_test, with__sem, x);
	USDT2(bpfscope_test, without__sem, x, x + 1);
}

struct seen {
	int with, without, other;
};

static int count(void *ctx, const char *provider, const char *name)
{
	struct seen *s = ctx;

	if (strcmp(provider, "bpfscope_test"))
		s->other++;
	else if (!strcmp(name, "with__sem"))
		s->with++;
	else if (!strcmp(name, "without__sem"))
		s->without++;
	else
		s->other++;
	return 0;
}

static int stop_at_first(void *ctx, const char *provider, const char *name)
{
	(void)provider;
	(void)name;
	++*(int *)ctx;
	return 1;
}

int main(void)
{
	struct utarget t;
	struct seen s = { 0 };
	int n, calls = 0;
	char tmp[] = "/tmp/bpfscope-usdt-XXXXXX";
	int fd;

	probes(1);
	CHECK("this program is found", !utarget_exe(&t, getpid()), "not found");
	n = usdt_each(&t, count, &s);
	CHECK("each probe of this program, once", n == 2 && s.with == 1 && s.without == 1,
	      "%d: %d %d %d", n, s.with, s.without, s.other);
	CHECK("no other probe", s.other == 0, "%d", s.other);
	CHECK("a callback's non-zero stops the walk",
	      usdt_each(&t, stop_at_first, &calls) == 1 && calls == 1, "%d", calls);
	CHECK("usdt_has: a probe it has", usdt_has(&t, "bpfscope_test", "with__sem"), "no");
	CHECK("usdt_has: not another provider's", !usdt_has(&t, "python", "with__sem"), "yes");
	CHECK("usdt_has: not a name it lacks", !usdt_has(&t, "bpfscope_test", "with"), "yes");
	CHECK("usdt_find: this process's program",
	      !usdt_find(&t, getpid(), (const char *[]){ "libc.so.6", NULL }, "test",
			 "bpfscope_test", "without__sem") &&
		      usdt_has(&t, "bpfscope_test", "without__sem"),
	      "%s", t.path);
	fprintf(stderr, "(a one-line message follows)\n");
	CHECK("usdt_find: -ENOENT for a probe nothing has",
	      usdt_find(&t, getpid(), (const char *[]){ "libc.so.6", NULL }, "test",
			"bpfscope_test", "nowhere") == -ENOENT,
	      "found");

	fd = mkstemp(tmp);
	CHECK("a temporary file", fd >= 0, "%s", strerror(errno));
	if (fd >= 0) {
		CHECK("written", write(fd, "not an ELF object\n", 18) == 18, "short");
		close(fd);
		memset(&t, 0, sizeof(t));
		t.pid = -1;
		snprintf(t.path, sizeof(t.path), "%s", tmp);
		CHECK("not an ELF object: an error", usdt_each(&t, count, &s) < 0, "read");
		unlink(tmp);
	}
	return unit_exit();
}

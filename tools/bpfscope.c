// SPDX-License-Identifier: GPL-2.0
/*
 * bpfscope: every tool in one binary (make multicall).  `bpfscope TOOL ARGS`
 * runs TOOL, and so does a link to this binary named after the tool, with the
 * messages, usage and process name the tool's own binary would have.
 *
 * This file is not a tool (those are tools/<name>/): the Makefile copies each
 * tool's object with main() renamed to bpfscope_main_<name> and lists them in
 * bpfscope-tools.h, which it generates from its TOOLS list.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#define BPFSCOPE_TOOL(name, fn) int fn(int argc, char **argv);
#include "bpfscope-tools.h"
#undef BPFSCOPE_TOOL

static const struct tool {
	const char *name;
	int (*main)(int argc, char **argv);
} tools[] = {
#define BPFSCOPE_TOOL(name, fn) { name, fn },
#include "bpfscope-tools.h"
#undef BPFSCOPE_TOOL
};

#define NTOOLS (sizeof(tools) / sizeof(tools[0]))

static const struct tool *find_tool(const char *name)
{
	size_t i;

	for (i = 0; i < NTOOLS; i++)
		if (!strcmp(tools[i].name, name))
			return &tools[i];
	return NULL;
}

/*
 * Run a tool as its own binary would run: the library and argp name the
 * program by program_invocation_short_name ("execsnoop: needs root",
 * "Usage: execsnoop ..."), and ps/top show the tool's name.
 */
static int run_tool(const struct tool *t, int argc, char **argv)
{
	program_invocation_short_name = (char *)t->name;
	program_invocation_name = argv[0];
	prctl(PR_SET_NAME, t->name, 0, 0, 0);
	return t->main(argc, argv);
}

static void usage(const char *self)
{
	size_t i, col = 0;

	printf("Usage: %s TOOL [OPTION...]\n"
	       "  or:  TOOL [OPTION...]   (through a link to %s named TOOL)\n"
	       "Every bpfscope tool in one binary; `%s TOOL --help` shows a tool's options.\n"
	       "\n"
	       "  -h, --help      Show this list\n"
	       "      --list      Print the tool names, one a line\n"
	       "  -V, --version   Show the version\n"
	       "\n"
	       "Tools:\n",
	       self, self, self);
	for (i = 0; i < NTOOLS; i++) {
		size_t len = strlen(tools[i].name);

		if (col && col + 1 + len > 78) {
			putchar('\n');
			col = 0;
		}
		col += printf("%s%s", col ? " " : "  ", tools[i].name);
	}
	if (col)
		putchar('\n');
}

int main(int argc, char **argv)
{
	const char *self = program_invocation_short_name;
	const struct tool *t;
	size_t i;

	/* Called through a link named after a tool: that tool, with all of argv. */
	t = argc > 0 ? find_tool(self) : NULL;
	if (t)
		return run_tool(t, argc, argv);

	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") ||
	    !strcmp(argv[1], "-?")) {
		usage(self);
		return 0;
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		printf("bpfscope %s\n", BPFSCOPE_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "--list")) {
		for (i = 0; i < NTOOLS; i++)
			puts(tools[i].name);
		return 0;
	}
	if (argv[1][0] == '-') {
		fprintf(stderr, "%s: unknown option '%s' (%s --help shows the usage)\n", self,
			argv[1], self);
		return 2;
	}
	t = find_tool(argv[1]);
	if (!t) {
		fprintf(stderr, "%s: unknown tool '%s' (%s --list names them)\n", self, argv[1],
			self);
		return 2;
	}
	return run_tool(t, argc - 1, argv + 1);
}

// SPDX-License-Identifier: GPL-2.0
/* bashreadline: the command lines typed into interactive shells (readline()). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "output.h"
#include "probe.h"
#include "row.h"
#include "tool.h"
#include "uprobes.h"
#include "bashreadline.h"
#include "bashreadline.skel.h"

static const char *shared_lib;

static const struct opt_pick picks[] = {
	{ OPT_PID, 'p', NULL, "Only this shell (or these: PID,PID...)" },
	{},
};

static const struct argp_option options[] = {
	{ "shared", 's', "PATH", 0,
	  "The readline library to probe (a path or a name), for a bash linked with one", 0 },
	{},
};

static const char doc[] =
	"Print the command lines entered in running bash shells.\v"
	"Examples:\n"
	"  bashreadline                          # every bash on the system\n"
	"  bashreadline -p 1216                  # only the shell 1216\n"
	"  bashreadline -s /usr/lib/libreadline.so.8  # a bash linked with libreadline\n"
	"  bashreadline --json                   # one JSON object per line";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	if (key != 's')
		return ARGP_ERR_UNKNOWN;
	if (!*arg)
		cli_bad_value("-s", arg, "an empty name");
	shared_lib = arg;
	return 0;
}

static void line_row(struct row *r, const void *rec)
{
	const struct readline_event *e = rec;
	char hms[16] = "";

	/* As libbpf-tools and BCC: a 9-column TIME (row_hms has 8). */
	row_str(r, "TIME", "time", -9, r->mode == ROW_HEADER ? hms : time_hms(hms, sizeof(hms)),
		sizeof(hms));
	row_uint(r, "PID", "pid", -7, e->pid);
	row_str(r, "COMMAND", "command", 0, e->line, sizeof(e->line));
	row_str(r, NULL, "comm", 0, e->comm, sizeof(e->comm));
	row_uint(r, NULL, "uid", 0, e->uid);
	row_bool(r, NULL, "truncated", 0, e->truncated);
	if (r->mode == ROW_TEXT && e->truncated)
		fputs(" ...", r->f);
}

/*
 * Where readline() is: in bash itself (Debian, Fedora: readline linked in),
 * else in the libreadline it uses; -s names the library.  For one process
 * (-p) both are looked up as that process sees them.
 */
static int find_readline(struct utarget *t, pid_t pid)
{
	int err;

	if (shared_lib)
		return utarget_find(t, pid, shared_lib);
	err = pid > 0 ? utarget_exe(t, pid) : utarget_find(t, -1, "bash");
	if (err || ufuncs_each(t, "readline", NULL, NULL) > 0)
		return err;
	if (!utarget_lookup(t, pid, "libreadline"))
		return 0;
	fprintf(stderr, "%s: %s has no readline() and no libreadline was found: name it with -s\n",
		program_invocation_short_name, t->path);
	return -ENOENT;
}

static struct ulinks links;

static int attach_readline(void *ctx)
{
	struct bashreadline_bpf *skel = ctx;
	struct utarget t;
	int i, n = gopts.npids ? gopts.npids : 1;

	if (hook_avoided("uprobe")) {
		fprintf(stderr, "%s: needs uprobes, which BPFSCOPE_AVOID makes unavailable\n",
			program_invocation_short_name);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (find_readline(&t, gopts.npids ? gopts.pids[i] : -1))
			return -1;
		if (ulinks_add(&links,
			       uprobe_attach(skel->progs.readline_return, &t, "readline", true)))
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct bashreadline_bpf *skel;
	int err;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(bashreadline_bpf);
	if (!skel)
		return 1;
	err = tool_run_events(&(struct tool_events){
		.skel = skel->skeleton,
		.row = line_row,
		.rec_size = sizeof(struct readline_event),
		.rec_min = sizeof(struct readline_event),
		.ctx = skel,
		.attach = attach_readline,
	});
	ulinks_destroy(&links);
	bashreadline_bpf__destroy(skel);
	return err;
}

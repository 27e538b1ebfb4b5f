// SPDX-License-Identifier: GPL-2.0
/* execsnoop: trace exec() calls system wide, with their arguments and result. */
#include <stdio.h>
#include <string.h>

#include "names.h"
#include "output.h"
#include "row.h"
#include "syscalls.h"
#include "tool.h"
#include "execsnoop.h"
#include "execsnoop.skel.h"

static struct {
	bool quote;
	bool print_uid;
	const char *line;
	int max_args;
} opts = { .max_args = MAX_ARGS_DEFAULT };

enum { OPT_MAX_ARGS = 0x100 };

static const struct opt_pick picks[] = {
	{ OPT_TIME, 'T', NULL, "Include a time column (HH:MM:SS)" },
	{ OPT_TIMESTAMP, 't', NULL, "Include seconds since the trace started" },
	{ OPT_FAILED, 'x', "fails", "Include failed exec()s" },
	{ OPT_UID, 'u', NULL, NULL },
	{ OPT_COMM, 'n', NULL, "Only print commands whose name contains NAME" },
	{ OPT_CGROUP, 'c', NULL, NULL },
	{},
};

static const struct argp_option options[] = {
	{ "quote", 'q', NULL, 0, "Put quotation marks (\") around arguments", 0 },
	{ "line", 'l', "LINE", 0, "Only print commands where an argument contains LINE", 0 },
	{ "print-uid", 'U', NULL, 0, "Print a UID column", 0 },
	{ "max-args", OPT_MAX_ARGS, "N", 0, "Arguments read and shown (default 20, max 60)", 0 },
	{},
};

static const char doc[] =
	"Trace exec() calls: each new program with its parent, result and arguments.\v"
	"Examples:\n"
	"  execsnoop              # every exec\n"
	"  execsnoop -x           # also failed execs\n"
	"  execsnoop -T -U        # with time of day and UID columns\n"
	"  execsnoop -u 1000      # only UID 1000\n"
	"  execsnoop -n main      # only commands whose name contains \"main\"\n"
	"  execsnoop -l tpkg      # only commands with an argument containing \"tpkg\"\n"
	"  execsnoop -c /sys/fs/cgroup/system.slice  # only that cgroup\n"
	"  execsnoop --json       # one JSON object per exec";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	switch (key) {
	case 'q':
		opts.quote = true;
		return 0;
	case 'l':
		opts.line = arg;
		return 0;
	case 'U':
		opts.print_uid = true;
		return 0;
	case OPT_MAX_ARGS:
		opts.max_args = cli_parse_long("--max-args", arg, 1, MAX_ARGS_LIMIT);
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static bool args_contain(const struct exec_event *e, const char *needle)
{
	const char *p = e->args, *end = e->args + e->args_size;

	for (; p < end; p += strnlen(p, end - p) + 1) {
		if (strstr(p, needle))
			return true;
	}
	return false;
}

static void exec_row(struct row *r, const void *rec)
{
	const struct exec_event *e = rec;

	row_hms(r, gopts.time ? "TIME" : NULL);
	row_secs(r, gopts.timestamp ? "TIME(s)" : NULL, e->ts_ns);
	row_uint(r, opts.print_uid ? "UID" : NULL, "uid", -6, e->uid);
	row_str(r, "PCOMM", "comm", -16, e->comm, sizeof(e->comm));
	row_uint(r, "PID", "pid", -7, e->pid);
	row_uint(r, "PPID", "ppid", -7, e->ppid);
	row_int(r, "RET", "ret", 3, e->retval);
	row_str(r, NULL, "error", 0, e->retval < 0 ? errno_name(e->retval) : NULL, 32);
	row_strv(r, "ARGS", "args", e->args, e->args_size, opts.quote);
	row_bool(r, NULL, "args_truncated", 0, e->args_truncated);
	if (r->mode == ROW_TEXT && e->args_truncated)
		fputs(" ...", r->f);
}

/* Keep an exec whose arguments match -l; the arguments end with the record. */
static bool keep_exec(void *rec, size_t size)
{
	struct exec_event *e = rec;

	if (e->args_size > size - EXEC_EVENT_HEADER_SIZE)
		e->args_size = size - EXEC_EVENT_HEADER_SIZE;
	return !opts.line || args_contain(e, opts.line);
}

/*
 * Entry and exit come from the same source: the syscall tracepoints of execve
 * (and of execveat, Linux 3.19+, where the kernel has it), or raw_syscalls,
 * which carries both execs, where the kernel has no syscall tracepoints.
 */
static int choose_hooks(struct execsnoop_bpf *skel)
{
	const struct syscall_pair tp[] = {
		{ skel->progs.execve_enter, skel->progs.execve_exit },
		{ skel->progs.execveat_enter, skel->progs.execveat_exit },
	};
	const struct syscall_pair raw = { skel->progs.sys_enter_raw, skel->progs.sys_exit_raw };

	return syscall_hooks_choose(skel->obj, "execve()", tp, ARRAY_SIZE(tp), &raw) < 0 ? -1 : 0;
}

/*
 * An exec is in the map only between syscall entry and exit, so a few per CPU
 * suffice; the map is preallocated, and 10240 slots of 7.7 KiB took 9 ms to create.
 */
static void size_pending_map(struct execsnoop_bpf *skel)
{
	int ncpus = libbpf_num_possible_cpus();
	int slots = ncpus > 0 ? 64 * ncpus : 1024;

	if (slots < 256)
		slots = 256;
	if (slots > 10240)
		slots = 10240;
	bpf_map__set_max_entries(skel->maps.pending, slots);
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct execsnoop_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(execsnoop_bpf);
	if (!skel)
		return 1;
	skel->rodata->max_args = opts.max_args;
	size_pending_map(skel);
	if (!choose_hooks(skel))
		err = tool_run_events(&(struct tool_events){
			.skel = skel->skeleton,
			.row = exec_row,
			.rec_size = sizeof(struct exec_event),
			.rec_min = EXEC_EVENT_HEADER_SIZE,
			.keep = keep_exec,
		});
	execsnoop_bpf__destroy(skel);
	return err;
}

// SPDX-License-Identifier: GPL-2.0
/* execsnoop: trace exec() calls system wide, with their arguments and result. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "events.h"
#include "names.h"
#include "output.h"
#include "probe.h"
#include "execsnoop.h"
#include "execsnoop.skel.h"

static struct opts {
	bool time;
	bool timestamp;
	bool fails;
	bool quote;
	bool print_uid;
	long uid;
	const char *name;
	const char *line;
	const char *cgroup;
	int max_args;
} opts = { .uid = -1, .max_args = MAX_ARGS_DEFAULT };

enum { OPT_MAX_ARGS = 0x100 };

static const struct argp_option options[] = {
	{ "time", 'T', NULL, 0, "Include a time column (HH:MM:SS)", 0 },
	{ "timestamp", 't', NULL, 0, "Include seconds since the trace started", 0 },
	{ "fails", 'x', NULL, 0, "Include failed exec()s", 0 },
	{ "uid", 'u', "UID", 0, "Trace this user (number or name) only", 0 },
	{ "quote", 'q', NULL, 0, "Put quotation marks (\") around arguments", 0 },
	{ "name", 'n', "NAME", 0, "Only print commands whose name contains NAME", 0 },
	{ "line", 'l', "LINE", 0, "Only print commands where an argument contains LINE", 0 },
	{ "print-uid", 'U', NULL, 0, "Print a UID column", 0 },
	{ "cgroup", 'c', "PATH", 0, "Trace processes in this cgroup (v2 path) only", 0 },
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
	switch (key) {
	case 'T':
		opts.time = true;
		break;
	case 't':
		opts.timestamp = true;
		break;
	case 'x':
		opts.fails = true;
		break;
	case 'u':
		opts.uid = cli_parse_uid("-u", arg);
		break;
	case 'q':
		opts.quote = true;
		break;
	case 'n':
		opts.name = arg;
		break;
	case 'l':
		opts.line = arg;
		break;
	case 'U':
		opts.print_uid = true;
		break;
	case 'c':
		opts.cgroup = arg;
		break;
	case OPT_MAX_ARGS:
		opts.max_args = cli_parse_long("--max-args", arg, 1, MAX_ARGS_LIMIT);
		break;
	case ARGP_KEY_ARG:
		cli_usage_error("unexpected argument '%s'", arg);
	default:
		return ARGP_ERR_UNKNOWN;
	}
	(void)state;
	return 0;
}

static bool args_contain(const struct exec_event *e, const char *needle)
{
	const char *p = e->args, *end = e->args + e->args_size;

	while (p < end) {
		if (strstr(p, needle))
			return true;
		p += strnlen(p, end - p) + 1;
	}
	return false;
}

static void print_header(void)
{
	if (opts.time)
		printf("%-8s ", "TIME");
	if (opts.timestamp)
		printf("%-8s ", "TIME(s)");
	if (opts.print_uid)
		printf("%-6s ", "UID");
	printf("%-16s %-7s %-7s %3s %s\n", "PCOMM", "PID", "PPID", "RET", "ARGS");
}

static void print_args(const struct exec_event *e)
{
	const char *p = e->args, *end = e->args + e->args_size;
	bool first = true;

	while (p < end) {
		size_t len = strnlen(p, end - p);

		if (!first)
			putchar(' ');
		if (opts.quote)
			print_quoted(stdout, p, len);
		else
			print_escaped(stdout, p, len);
		first = false;
		p += len + 1;
	}
	if (e->args_truncated)
		fputs(" ...", stdout);
}

static void print_text(const struct exec_event *e)
{
	char hms[16];

	if (opts.time)
		printf("%-8s ", time_hms(hms, sizeof(hms)));
	if (opts.timestamp)
		printf("%-8.3f ", secs_since_start(e->ts_ns));
	if (opts.print_uid)
		printf("%-6u ", e->uid);
	print_escaped(stdout, e->comm, sizeof(e->comm));
	printf("%*s %-7u %-7u %3d ", (int)(16 - strnlen(e->comm, sizeof(e->comm))), "", e->pid,
	       e->ppid, e->retval);
	print_args(e);
	putchar('\n');
}

static void print_json(const struct exec_event *e)
{
	const char *p = e->args, *end = e->args + e->args_size;
	const char *err = e->retval < 0 ? errno_name(e->retval) : NULL;
	struct json j;
	char hms[16];

	json_begin(&j, stdout);
	json_str(&j, "time", time_hms(hms, sizeof(hms)));
	json_double(&j, "ts", secs_since_start(e->ts_ns));
	json_uint(&j, "uid", e->uid);
	json_strn(&j, "comm", e->comm, sizeof(e->comm));
	json_uint(&j, "pid", e->pid);
	json_uint(&j, "ppid", e->ppid);
	json_int(&j, "ret", e->retval);
	if (err)
		json_str(&j, "error", err);
	json_arr_begin(&j, "args");
	for (; p < end; p += strnlen(p, end - p) + 1)
		json_strn(&j, NULL, p, end - p);
	json_arr_end(&j);
	json_bool(&j, "args_truncated", e->args_truncated);
	json_end(&j);
}

static int handle_event(void *ctx, const void *data, size_t size)
{
	struct exec_event e;

	(void)ctx;
	if (size < EXEC_EVENT_HEADER_SIZE)
		return 0;
	/* Copy: the record may be shorter than the struct, and args must end in NUL. */
	memcpy(&e, data, size < sizeof(e) ? size : sizeof(e));
	if (e.args_size > ARGS_BUF_LEN)
		e.args_size = ARGS_BUF_LEN;
	if (opts.name && !strstr(e.comm, opts.name))
		return 0;
	if (opts.line && !args_contain(&e, opts.line))
		return 0;
	if (common_opts.json)
		print_json(&e);
	else
		print_text(&e);
	return 0;
}

/*
 * Entry and exit come from the same source: the syscall tracepoints of execve
 * (and of execveat, Linux 3.19+, where the kernel has it), or raw_syscalls,
 * which carries both execs, where the kernel has no syscall tracepoints.
 */
static int choose_hooks(struct execsnoop_bpf *skel)
{
	struct bpf_program *enter[] = { skel->progs.execve_enter, skel->progs.sys_enter_raw };
	struct bpf_program *exit_tp[] = { skel->progs.execve_exit };
	struct bpf_program *exit_raw[] = { skel->progs.sys_exit_raw };
	struct bpf_program *at_enter[] = { skel->progs.execveat_enter };
	struct bpf_program *at_exit[] = { skel->progs.execveat_exit };
	int i = hook_choose("execve() entry", enter, 2);

	bpf_program__set_autoload(skel->progs.execveat_enter, false);
	bpf_program__set_autoload(skel->progs.execveat_exit, false);
	bpf_program__set_autoload(skel->progs.sys_exit_raw, false);
	if (i < 0)
		return -1;
	if (i == 1)
		return hook_choose("execve() exit", exit_raw, 1) < 0 ? -1 : 0;
	if (hook_choose("execve() exit", exit_tp, 1) < 0)
		return -1;
	if (hook_choose_optional(at_enter, 1) < 0 || hook_choose_optional(at_exit, 1) < 0) {
		bpf_program__set_autoload(skel->progs.execveat_enter, false);
		bpf_program__set_autoload(skel->progs.execveat_exit, false);
	}
	return 0;
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
	struct execsnoop_bpf *skel = NULL;
	struct events *ev = NULL;
	int err = 1;

	cli_parse(&argp, argc, argv, NULL);
	tool_setup();

	skel = TOOL_OPEN(execsnoop_bpf);
	if (!skel) {
		cli_warn("cannot open BPF object");
		goto cleanup;
	}
	skel->rodata->report_failed = opts.fails;
	skel->rodata->max_args = opts.max_args;
	skel->rodata->filter_uid = opts.uid;
	skel->rodata->filter_cgroup = opts.cgroup != NULL;
	size_pending_map(skel);
	if (choose_hooks(skel) || events_configure(skel->obj))
		goto cleanup;

	if (tool_load(skel->skeleton) || tool_attach(skel->skeleton, opts.cgroup))
		goto cleanup;
	ev = events_open(skel->obj, handle_event, NULL);
	if (!ev)
		goto cleanup;

	if (!common_opts.json)
		print_header();
	tool_ready();
	err = events_loop(ev, 0) < 0;

cleanup:
	if (ev)
		events_report_lost(ev);
	events_free(ev);
	execsnoop_bpf__destroy(skel);
	return err;
}

// SPDX-License-Identifier: GPL-2.0
/* opensnoop: trace open(), openat() and openat2() system wide, with their result. */
#include <stdio.h>
#include <string.h>

#include "names.h"
#include "openflags.h"
#include "output.h"
#include "probe.h"
#include "syscalls.h"
#include "tool.h"
#include "opensnoop.h"
#include "opensnoop.skel.h"

static struct {
	bool print_uid;
	bool extended;
	bool full_path;
	struct open_flags_filter flags; /* -f */
} opts;

static const struct opt_pick picks[] = {
	{ OPT_TIME, 'T', "timestamp", "Print a time column (HH:MM:SS)" },
	{ OPT_FAILED, 'x', NULL, "Only show failed opens" },
	{ OPT_PID, 'p', NULL, NULL },
	{ OPT_TID, 't', NULL, NULL },
	{ OPT_UID, 'u', NULL, NULL },
	{ OPT_DURATION, 'd', NULL, NULL },
	{ OPT_COMM, 'n', NULL, NULL },
	{ OPT_CGROUP, 'c', NULL, NULL },
	{},
};

static const struct argp_option options[] = {
	{ "print-uid", 'U', NULL, 0, "Print a UID column", 0 },
	{ "extended-fields", 'e', NULL, 0, "Print a FLAGS column (octal open flags)", 0 },
	{ "flag-filter", 'f', "FLAGS", 0,
	  "Only trace opens with any of these flags (e.g. O_WRONLY,O_CREAT; repeatable)", 0 },
	{ "flag_filter", 0, NULL, OPTION_ALIAS | OPTION_HIDDEN, NULL, 0 }, /* BCC's spelling */
	{ "full-path", 'F', NULL, 0, "Show relative paths joined to their start directory", 0 },
	{},
};

static const char doc[] =
	"Trace open(), openat() and openat2() calls: who opened what, and the result.\v"
	"FD is the descriptor returned (-1 on failure) and ERR the errno (0 on success).\n\n"
	"Examples:\n"
	"  opensnoop              # every open\n"
	"  opensnoop -T -U -e     # with time of day, UID and flags columns\n"
	"  opensnoop -x -p 181    # failed opens of process 181\n"
	"  opensnoop -n main -d 10  # commands whose name contains \"main\", for 10 s\n"
	"  opensnoop -f O_WRONLY,O_RDWR  # only opens for writing\n"
	"  opensnoop -F           # relative paths shown from the root\n"
	"  opensnoop --json       # one JSON object per open";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	switch (key) {
	case 'U':
		opts.print_uid = true;
		return 0;
	case 'e':
		opts.extended = true;
		return 0;
	case 'f':
		open_flags_parse("-f", arg, &opts.flags);
		return 0;
	case 'F':
		opts.full_path = true;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

/*
 * -F: the directory a relative path starts from, as "/usr/share/" (names are
 * stored innermost first); "" when the path is absolute or the directory is
 * unknown.  Returns its length.
 */
static size_t dir_prefix(const struct open_event *e, char *buf, size_t len)
{
	const char *names[DIR_DEPTH_MAX];
	const char *p = e->dir, *end = e->dir + e->dir_len;
	size_t n = 0, o = 0;

	buf[0] = '\0';
	if (e->path[0] == '/' || (e->status & DIR_ABSENT))
		return 0;
	while (p < end && n < ARRAY_SIZE(names)) {
		names[n++] = p;
		p += strnlen(p, end - p) + 1;
	}
	if (e->status & DIR_TRUNCATED)
		o += snprintf(buf + o, len - o, "...");
	while (n-- > 0 && o < len)
		o += snprintf(buf + o, len - o, "/%.*s", (int)(end - names[n]), names[n]);
	if (o < len)
		o += snprintf(buf + o, len - o, "/");
	return o < len ? o : len - 1;
}

static void print_header(void)
{
	if (gopts.time)
		printf("%-8s ", "TIME");
	if (opts.print_uid)
		printf("%-7s ", "UID");
	printf("%-6s %-16s %3s %3s ", "PID", "COMM", "FD", "ERR");
	if (opts.extended)
		printf("%-8s ", "FLAGS");
	printf("PATH\n");
}

static void print_text(const struct open_event *e)
{
	char hms[16], prefix[DIR_BUF_LEN + 8];

	if (gopts.time)
		printf("%-8s ", time_hms(hms, sizeof(hms)));
	if (opts.print_uid)
		printf("%-7u ", e->uid);
	printf("%-6u ", e->pid);
	print_escaped_col(stdout, e->comm, sizeof(e->comm), 16);
	printf(" %3d %3d ", e->ret >= 0 ? e->ret : -1, e->ret >= 0 ? 0 : -e->ret);
	if (opts.extended)
		printf("%08llo ", (unsigned long long)e->flags);
	if (opts.full_path && dir_prefix(e, prefix, sizeof(prefix)))
		print_escaped(stdout, prefix, sizeof(prefix));
	print_escaped(stdout, e->path, e->path_len);
	if (e->status & PATH_TRUNCATED)
		fputs("...", stdout);
	putchar('\n');
}

static void print_json(const struct open_event *e)
{
	static const char *const calls[] = { [SYS_OPEN] = "open", "openat", "openat2" };
	char hms[16], full[DIR_BUF_LEN + PATH_LEN + 8];
	const char *flags[24];
	size_t i, nflags = open_flags_names(e->flags, flags, ARRAY_SIZE(flags)), n;
	struct json j;

	json_begin(&j, stdout);
	json_str(&j, "time", time_hms(hms, sizeof(hms)));
	json_double(&j, "ts", secs_since_start(e->ts_ns));
	json_uint(&j, "uid", e->uid);
	json_uint(&j, "pid", e->pid);
	json_uint(&j, "tid", e->tid);
	json_strn(&j, "comm", e->comm, sizeof(e->comm));
	json_str(&j, "syscall", e->syscall < ARRAY_SIZE(calls) ? calls[e->syscall] : "?");
	json_int(&j, "fd", e->ret >= 0 ? e->ret : -1);
	json_int(&j, "err", e->ret >= 0 ? 0 : -e->ret);
	if (e->ret < 0 && errno_name(e->ret))
		json_str(&j, "error", errno_name(e->ret));
	json_uint(&j, "flags", e->flags);
	json_arr_begin(&j, "flag_names");
	for (i = 0; i < nflags; i++)
		json_str(&j, NULL, flags[i]);
	json_arr_end(&j);
	json_uint(&j, "mode", e->mode);
	json_strn(&j, "path", e->path, e->path_len);
	json_bool(&j, "path_truncated", e->status & PATH_TRUNCATED);
	if (opts.full_path) {
		n = dir_prefix(e, full, sizeof(full) - PATH_LEN);
		memcpy(full + n, e->path, e->path_len);
		json_strn(&j, "full_path", full, n + e->path_len);
	}
	json_end(&j);
}

static int handle_event(void *ctx, const void *data, size_t size)
{
	static struct open_event e;

	(void)ctx;
	if (size < OPEN_EVENT_HEADER_SIZE)
		return 0;
	/* Records are cut after the path (or the directory names with -F). */
	memcpy(&e, data, size < sizeof(e) ? size : sizeof(e));
	if (e.path_len > PATH_LEN || size < OPEN_EVENT_HEADER_SIZE + e.path_len)
		e.path_len = 0;
	if (e.dir_len > DIR_BUF_LEN || size < OPEN_EVENT_BASE_SIZE + e.dir_len)
		e.dir_len = 0;
	if (common_opts.json)
		print_json(&e);
	else
		print_text(&e);
	return 0;
}

/*
 * With bpf_task_pt_regs() (Linux 5.15) the exit alone sees the arguments;
 * BPFSCOPE_AVOID=task_pt_regs forces the entry/exit pair used before.
 */
static bool exit_only_usable(void)
{
	if (hook_avoided("task_pt_regs"))
		return false;
	return libbpf_probe_bpf_helper(BPF_PROG_TYPE_TRACEPOINT, BPF_FUNC_task_pt_regs, NULL) == 1;
}

/* A call's exit programs: after its entry or alone (saved registers), without or with -F. */
/* clang-format off */
#define EXITS(p, c) { p->c##_exit, p->c##_exit_full, p->c##_exit_regs, p->c##_exit_regs_full }
/* clang-format on */

/* openat() everywhere, open() where the architecture has it, openat2() from Linux 5.6. */
static int choose_hooks(struct opensnoop_bpf *skel)
{
	typeof(skel->progs) *p = &skel->progs;
	struct bpf_program *enter[] = { p->openat_enter, p->open_enter, p->openat2_enter };
	struct bpf_program *exits[][4] = { EXITS(p, openat), EXITS(p, open), EXITS(p, openat2) };
	struct syscall_pair tp[3], raw = { NULL, p->sys_exit_raw };
	bool alone = exit_only_usable();
	int i, how;

	for (i = 0; i < 3; i++) {
		tp[i].enter = alone ? NULL : enter[i];
		tp[i].exit = exits[i][alone * 2 + opts.full_path];
	}
	if (opts.full_path)
		raw.exit = p->sys_exit_raw_full;
	how = syscall_hooks_choose(skel->obj, "openat()", tp, ARRAY_SIZE(tp), &raw);
	if (how >= 0 && common_opts.verbose)
		fprintf(stderr, "opensnoop: arguments read %s\n",
			how == SYSCALL_HOOKS_RAW ? "from the registers at syscall exit"
			: alone			 ? "from saved registers at syscall exit"
						 : "at syscall entry");
	return how < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct opensnoop_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(opensnoop_bpf);
	if (!skel)
		return 1;
	skel->rodata->flags_any = opts.flags.any;
	skel->rodata->accmodes = opts.flags.accmodes;
	if (!choose_hooks(skel))
		err = tool_run_events(&(struct tool_events){
			.skel = skel->skeleton,
			.on_event = handle_event,
			.print_header = print_header,
		});
	opensnoop_bpf__destroy(skel);
	return err;
}

// SPDX-License-Identifier: GPL-2.0
/* opensnoop: trace open(), openat() and openat2() system wide, with their result. */
#include <stdio.h>
#include <string.h>

#include "names.h"
#include "openflags.h"
#include "probe.h"
#include "row.h"
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

static void open_row(struct row *r, const void *rec)
{
	static const char *const calls[] = { [SYS_OPEN] = "open", "openat", "openat2" };
	const struct open_event *e = rec;
	char full[DIR_BUF_LEN + PATH_LEN + 8], names[256];
	size_t n = opts.full_path ? dir_prefix(e, full, sizeof(full) - PATH_LEN) : 0;

	memcpy(full + n, e->path, e->path_len);
	row_hms(r, gopts.time ? "TIME" : NULL);
	row_secs(r, NULL, e->ts_ns);
	row_uint(r, opts.print_uid ? "UID" : NULL, "uid", -7, e->uid);
	row_uint(r, "PID", "pid", -6, e->pid);
	row_uint(r, NULL, "tid", 0, e->tid);
	row_str(r, "COMM", "comm", -16, e->comm, sizeof(e->comm));
	row_str(r, NULL, "syscall", 0, e->syscall < ARRAY_SIZE(calls) ? calls[e->syscall] : "?", 8);
	row_int(r, "FD", "fd", 3, e->ret >= 0 ? e->ret : -1);
	row_int(r, "ERR", "err", 3, e->ret >= 0 ? 0 : -e->ret);
	row_str(r, NULL, "error", 0, e->ret < 0 ? errno_name(e->ret) : NULL, 32);
	if (row_text_col(r, opts.extended ? "FLAGS" : NULL, -8))
		fprintf(r->f, "%08llo", (unsigned long long)e->flags);
	row_uint(r, NULL, "flags", 0, e->flags);
	if (r->mode == ROW_JSON) /* names are built only where they are shown */
		row_strv(r, NULL, "flag_names", names,
			 open_flags_names(e->flags, names, sizeof(names)), false);
	row_uint(r, NULL, "mode", 0, e->mode);
	row_str(r, "PATH", NULL, 0, full, n + e->path_len); /* joined to its start with -F */
	if (r->mode == ROW_TEXT && (e->status & PATH_TRUNCATED))
		fputs("...", r->f);
	row_str(r, NULL, "path", 0, e->path, e->path_len);
	row_bool(r, NULL, "path_truncated", 0, e->status & PATH_TRUNCATED);
	row_str(r, NULL, opts.full_path ? "full_path" : NULL, 0, full, n + e->path_len);
}

/* Records are cut after the path (or the directory names with -F): both must be in it. */
static bool keep_open(void *rec, size_t size)
{
	struct open_event *e = rec;

	if (e->path_len > PATH_LEN || size < OPEN_EVENT_HEADER_SIZE + e->path_len)
		e->path_len = 0;
	if (e->dir_len > DIR_BUF_LEN || size < OPEN_EVENT_BASE_SIZE + e->dir_len)
		e->dir_len = 0;
	return true;
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
	/* With bpf_task_pt_regs() (Linux 5.15) the exit alone sees the arguments. */
	bool alone = probe_helper("task_pt_regs", BPF_FUNC_task_pt_regs);
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
			.row = open_row,
			.rec_size = sizeof(struct open_event),
			.rec_min = OPEN_EVENT_HEADER_SIZE,
			.keep = keep_open,
		});
	opensnoop_bpf__destroy(skel);
	return err;
}

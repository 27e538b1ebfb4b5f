// SPDX-License-Identifier: GPL-2.0
/* statsnoop: trace the stat() family of calls system wide, with their result. */
#include <stdio.h>
#include <string.h>

#include "names.h"
#include "probe.h"
#include "row.h"
#include "syscalls.h"
#include "tool.h"
#include "statsnoop.h"
#include "statsnoop.skel.h"

/* A thread has one call in flight; the stash is used only without bpf_task_pt_regs(). */
#define STASH_MIN 1024

enum { OPT_TID_LONG = 0x100 };

static const struct opt_pick picks[] = {
	{ OPT_TIMESTAMP, 't', "timestamp", "Include a TIME(s) column: seconds since the start" },
	{ OPT_FAILED, 'x', "failed", "Only show failed stats" },
	{ OPT_PID, 'p', NULL, NULL },
	{ OPT_TID, OPT_TID_LONG, "tid", NULL },
	{ OPT_UID, 'u', NULL, NULL },
	{ OPT_COMM, 'n', NULL, NULL },
	{ OPT_CGROUP, 'c', NULL, NULL },
	{ OPT_DURATION, 'd', NULL, NULL },
	{ OPT_TIME, 'T', "time", "Include a TIME column (HH:MM:SS)" },
	{},
};

static struct {
	bool print_uid;
} opts;

static const struct argp_option options[] = {
	{ "print-uid", 'U', NULL, 0, "Print a UID column", 0 },
	{},
};

static const char doc[] =
	"Trace stat(), lstat(), newfstatat(), statx() and statfs() calls: who asked about "
	"which path, and the result.\v"
	"RET is the call's return value (0, or -1 on failure) and ERR the errno (0 on success). "
	"fstat() through the C library is newfstatat() with an empty path.\n\n"
	"Examples:\n"
	"  statsnoop              # every stat call\n"
	"  statsnoop -t           # with seconds since the start\n"
	"  statsnoop -x           # only failed calls\n"
	"  statsnoop -p 1216      # only process 1216\n"
	"  statsnoop -n ls -d 10  # commands whose name contains \"ls\", for 10 s\n"
	"  statsnoop --json       # one JSON object per call";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)arg;
	(void)state;
	switch (key) {
	case 'U':
		opts.print_uid = true;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static void stat_row(struct row *r, const void *rec)
{
	/* As strace names them: x86-64's stat() is the kernel's newstat. */
	static const char *const calls[] = {
		[SYS_NEWSTAT] = "stat", [SYS_NEWLSTAT] = "lstat", [SYS_NEWFSTATAT] = "newfstatat",
		[SYS_STATX] = "statx",	[SYS_STATFS] = "statfs",
	};
	const struct stat_event *e = rec;
	bool at = e->syscall == SYS_NEWFSTATAT || e->syscall == SYS_STATX;

	row_hms(r, gopts.time ? "TIME" : NULL);
	row_secs(r, gopts.timestamp ? "TIME(s)" : NULL, e->ts_ns);
	row_uint(r, opts.print_uid ? "UID" : NULL, "uid", -7, e->uid);
	row_uint(r, "PID", "pid", -7, e->pid);
	row_uint(r, NULL, "tid", 0, e->tid);
	row_str(r, "COMM", "comm", -16, e->comm, sizeof(e->comm));
	row_str(r, NULL, "syscall", 0, e->syscall < SYS_STAT_NR ? calls[e->syscall] : "?", 16);
	row_int(r, "RET", "ret", 3, e->ret >= 0 ? e->ret : -1);
	row_int(r, "ERR", "err", 3, e->ret >= 0 ? 0 : -e->ret);
	row_str(r, NULL, "error", 0, e->ret < 0 ? errno_name(e->ret) : NULL, 32);
	if (at && r->mode == ROW_JSON)
		row_int(r, NULL, "dirfd", 0, e->dfd);
	row_str(r, "PATH", "path", 0, e->path, e->path_len);
	if (r->mode == ROW_TEXT && (e->status & PATH_TRUNCATED))
		fputs("...", r->f);
	row_bool(r, NULL, "path_truncated", 0, e->status & PATH_TRUNCATED);
}

/* Records are cut after the path: its length must be in the record. */
static bool keep_stat(void *rec, size_t size)
{
	struct stat_event *e = rec;

	if (e->path_len > PATH_LEN || size < STAT_EVENT_HEADER_SIZE + e->path_len)
		e->path_len = 0;
	return true;
}

/*
 * newfstatat() everywhere (the C library's stat(), lstat() and fstat() on
 * x86-64 and arm64); stat() and lstat() where the architecture has them
 * (x86-64, not arm64); statx() from Linux 4.11; statfs().
 */
static int choose_hooks(struct statsnoop_bpf *skel)
{
	typeof(skel->progs) *p = &skel->progs;
	struct bpf_program *enter[] = { p->newfstatat_enter, p->newstat_enter, p->newlstat_enter,
					p->statx_enter, p->statfs_enter };
	struct bpf_program *exits[][2] = {
		{ p->newfstatat_exit, p->newfstatat_exit_regs },
		{ p->newstat_exit, p->newstat_exit_regs },
		{ p->newlstat_exit, p->newlstat_exit_regs },
		{ p->statx_exit, p->statx_exit_regs },
		{ p->statfs_exit, p->statfs_exit_regs },
	};
	struct syscall_pair tp[ARRAY_SIZE(enter)], raw = { NULL, p->sys_exit_raw };
	/* With bpf_task_pt_regs() (Linux 5.15) the exit alone sees the arguments. */
	bool alone = probe_helper("task_pt_regs", BPF_FUNC_task_pt_regs);
	size_t i;
	int how;

	for (i = 0; i < ARRAY_SIZE(tp); i++) {
		tp[i].enter = alone ? NULL : enter[i];
		tp[i].exit = exits[i][alone];
	}
	how = syscall_hooks_choose(skel->obj, "newfstatat()", tp, ARRAY_SIZE(tp), &raw);
	if (how < 0)
		return -1;
	bpf_map__set_max_entries(skel->maps.stash, how == SYSCALL_HOOKS_TRACEPOINTS && !alone
							   ? probe_threads_room(1, STASH_MIN)
							   : 1);
	if (common_opts.verbose)
		fprintf(stderr, "statsnoop: arguments read %s\n",
			how == SYSCALL_HOOKS_RAW ? "from the registers at syscall exit"
			: alone			 ? "from saved registers at syscall exit"
						 : "at syscall entry");
	return 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct statsnoop_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(statsnoop_bpf);
	if (!skel)
		return 1;
	if (!choose_hooks(skel))
		err = tool_run_events(&(struct tool_events){
			.skel = skel->skeleton,
			.row = stat_row,
			.rec_size = sizeof(struct stat_event),
			.rec_min = STAT_EVENT_HEADER_SIZE,
			.keep = keep_stat,
		});
	statsnoop_bpf__destroy(skel);
	return err;
}

// SPDX-License-Identifier: GPL-2.0
/* syncsnoop: trace the sync() family of calls system wide. */
#include <stdio.h>

#include "row.h"
#include "syscalls.h"
#include "tool.h"
#include "syncsnoop.h"
#include "syncsnoop.skel.h"

static const struct opt_pick picks[] = {
	{ OPT_TIME, 'T', "time", "Include a TIME column (HH:MM:SS)" },
	{ OPT_PID, 'p', NULL, NULL },
	{ OPT_TID, 't', NULL, NULL },
	{ OPT_UID, 'u', NULL, NULL },
	{ OPT_COMM, 'n', NULL, NULL },
	{ OPT_CGROUP, 'c', NULL, NULL },
	{ OPT_DURATION, 'd', NULL, NULL },
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
	"Trace sync(), syncfs(), fsync(), fdatasync(), sync_file_range() and msync() calls, "
	"as they start.\v"
	"TIME(s) is the seconds since the trace started, CALL the call made.\n\n"
	"Examples:\n"
	"  syncsnoop              # every sync call\n"
	"  syncsnoop -T           # with the time of day\n"
	"  syncsnoop -p 181       # only process 181\n"
	"  syncsnoop -n postgres  # commands whose name contains \"postgres\"\n"
	"  syncsnoop --json       # one JSON object per call";

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

static const char *const calls[] = {
	[SYS_SYNC] = "sync",
	[SYS_SYNCFS] = "syncfs",
	[SYS_FSYNC] = "fsync",
	[SYS_FDATASYNC] = "fdatasync",
	[SYS_SYNC_FILE_RANGE] = "sync_file_range",
	[SYS_SYNC_FILE_RANGE2] = "sync_file_range2",
	[SYS_MSYNC] = "msync",
};

static void sync_row(struct row *r, const void *rec)
{
	const struct sync_event *e = rec;
	const char *call = e->syscall < SYS_SYNC_NR ? calls[e->syscall] : "?";

	row_hms(r, gopts.time ? "TIME" : NULL);
	row_secs(r, "TIME(s)", e->ts_ns);
	row_uint(r, opts.print_uid ? "UID" : NULL, "uid", -7, e->uid);
	row_uint(r, "PID", "pid", -7, e->pid);
	row_uint(r, NULL, "tid", 0, e->tid);
	row_str(r, "COMM", "comm", -16, e->comm, sizeof(e->comm));
	row_str(r, "CALL", "call", 0, call, 20);
	/* What the call names: a descriptor, or msync()'s address. */
	if (e->syscall == SYS_MSYNC)
		row_uint(r, NULL, "addr", 0, e->arg);
	else if (e->syscall != SYS_SYNC)
		row_int(r, NULL, "fd", 0, (int)e->arg);
}

/*
 * Each call is traced at its entry alone: that program takes the place
 * syscall_hooks_choose gives the one program of a call (its .exit).  sync()
 * is in every kernel; the others where the kernel (and architecture) has
 * them; raw_syscalls' entry on kernels without syscall tracepoints.
 */
static int choose_hooks(struct syncsnoop_bpf *skel)
{
	typeof(skel->progs) *p = &skel->progs;
	const struct syscall_pair tp[] = {
		{ NULL, p->sync_enter },
		{ NULL, p->syncfs_enter },
		{ NULL, p->fsync_enter },
		{ NULL, p->fdatasync_enter },
		{ NULL, p->sync_file_range_enter },
		{ NULL, p->sync_file_range2_enter },
		{ NULL, p->msync_enter },
	};
	const struct syscall_pair raw = { NULL, p->sys_enter_raw };

	return syscall_hooks_choose(skel->obj, "sync()", tp, ARRAY_SIZE(tp), &raw) < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct syncsnoop_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(syncsnoop_bpf);
	if (!skel)
		return 1;
	if (!choose_hooks(skel))
		err = tool_run_events(&(struct tool_events){
			.skel = skel->skeleton,
			.row = sync_row,
			.rec_size = sizeof(struct sync_event),
			.rec_min = sizeof(struct sync_event),
		});
	syncsnoop_bpf__destroy(skel);
	return err;
}

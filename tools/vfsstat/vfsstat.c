// SPDX-License-Identifier: GPL-2.0
/* vfsstat: VFS reads, writes, fsyncs, opens and creates per second. */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>

#include "hist.h"
#include "output.h"
#include "probe.h"
#include "row.h"
#include "tool.h"
#include "vfsstat.h"
#include "vfsstat.skel.h"

static const struct opt_pick picks[] = {
	{ OPT_PID, 'p', NULL, "Count the calls of this process only (or these: PID,PID...)" },
	{ OPT_CGROUP, 'c', NULL, NULL },
	{ OPT_INTERVAL, 0, NULL, NULL },
	{},
};

static const char doc[] =
	"Count some VFS calls: reads, writes, fsyncs, opens and creates, per second.\v"
	"Every INTERVAL seconds (default 1), COUNT times or until Ctrl-C, a line of "
	"rates; Ctrl-C prints the interval it cut short, at its own rates.  Where "
	"the kernel has neither fentry nor kprobes, the system calls that lead to "
	"these VFS calls are counted instead (see vfsstat(8)).\n\n"
	"Examples:\n"
	"  vfsstat                # a line per second\n"
	"  vfsstat 5 3            # 5 second averages, 3 lines\n"
	"  vfsstat -p 185         # calls of process 185 only\n"
	"  vfsstat -c /sys/fs/cgroup/system.slice  # calls in that cgroup\n"
	"  vfsstat --json         # one JSON object per second";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)key;
	(void)arg;
	(void)state;
	return ARGP_ERR_UNKNOWN;
}

static const struct {
	const char *head;
	const char *key;
	const char *rate_key;
} columns[VFS_MAX] = {
	[VFS_READ] = { "READ/s", "read", "read_per_sec" },
	[VFS_WRITE] = { "WRITE/s", "write", "write_per_sec" },
	[VFS_FSYNC] = { "FSYNC/s", "fsync", "fsync_per_sec" },
	[VFS_OPEN] = { "OPEN/s", "open", "open_per_sec" },
	[VFS_CREATE] = { "CREATE/s", "create", "create_per_sec" },
};

/* Text: the rates; JSON: the rates, the counts and the interval's length. */
static void stats_row(struct row *r, const void *rec)
{
	const uint64_t *n = rec;
	char hms[16] = "";
	int op;

	if (r->mode == ROW_TEXT)
		strcat(time_hms(hms, sizeof(hms) - 1), ":");
	row_str(r, "TIME", NULL, -10, hms, sizeof(hms));
	row_hms(r, NULL);
	row_double(r, NULL, "secs", 0, 3, tool_interval_secs());
	for (op = 0; op < VFS_MAX; op++) {
		row_uint(r, columns[op].head, columns[op].rate_key, 8, tool_interval_rate(n[op]));
		row_uint(r, NULL, columns[op].key, 0, n[op]);
	}
}

static void print_header(void *ctx)
{
	(void)ctx;
	row_print_header(stats_row, (uint64_t[VFS_MAX]){});
}

/* The counters are per CPU and never cleared: an interval is their growth. */
static int print_interval(void *ctx)
{
	struct vfsstat_bpf *skel = ctx;
	static uint64_t prev[VFS_MAX];
	uint64_t n[VFS_MAX];

	return hist_print_counters(bpf_map__fd(skel->maps.counts), sizeof(struct vfs_counts), n,
				   prev, VFS_MAX, stats_row);
}

/*
 * The VFS functions themselves (fentry, else kprobe) where the kernel allows
 * either for vfs_read; else the system calls' exit (raw_syscalls).
 */
static int choose_hooks(struct vfsstat_bpf *skel)
{
	struct bpf_program *vfs[][2] = {
		{ skel->progs.vfs_read_fentry, skel->progs.vfs_read_kprobe },
		{ skel->progs.vfs_write_fentry, skel->progs.vfs_write_kprobe },
		{ skel->progs.vfs_fsync_range_fentry, skel->progs.vfs_fsync_range_kprobe },
		{ skel->progs.vfs_open_fentry, skel->progs.vfs_open_kprobe },
		{ skel->progs.vfs_create_fentry, skel->progs.vfs_create_kprobe },
	};
	struct bpf_program *first[] = {
		vfs[0][0],
		vfs[0][1],
		skel->progs.sys_exit_btf,
		skel->progs.sys_exit_raw,
	};
	size_t i;
	int k = hook_choose("VFS calls", first, ARRAY_SIZE(first));

	if (k < 0)
		return -1;
	for (i = 1; i < ARRAY_SIZE(vfs); i++) {
		if (k >= 2) {
			bpf_program__set_autoload(vfs[i][0], false);
			bpf_program__set_autoload(vfs[i][1], false);
		} else if (hook_choose(hook_target(vfs[i][0]), vfs[i], 2) < 0) {
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { NULL, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct vfsstat_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	if (gopts.interval == INT_MAX)
		gopts.interval = 1;
	skel = TOOL_OPEN(vfsstat_bpf);
	if (!skel)
		return 1;
	if (!choose_hooks(skel))
		err = tool_run_intervals(&(struct tool_intervals){
			.skel = skel->skeleton,
			.print_interval = print_interval,
			.ctx = skel,
			.lines = true,
			.print_header = print_header,
		});
	vfsstat_bpf__destroy(skel);
	return err;
}

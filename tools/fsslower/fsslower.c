// SPDX-License-Identifier: GPL-2.0
/* fsslower: trace file-system operations slower than a threshold (ext4slower, xfsslower, ...). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fsops.h"
#include "fstypes.h"
#include "output.h"
#include "row.h"
#include "tool.h"
#include "fsslower.h"
#include "fsslower.skel.h"

enum { OPT_TID_KEY = 0x100, OPT_CGROUP_KEY };

static struct {
	const struct fstype *fs;
	long min_ms;
	bool min_set; /* -m or the positional MIN_MS */
	bool csv;
} opts = { .min_ms = 10 };

static const struct opt_pick picks[] = {
	{ OPT_PID, 'p', NULL, NULL },
	{ OPT_TID, OPT_TID_KEY, "tid", NULL },
	{ OPT_UID, 'u', NULL, NULL },
	{ OPT_COMM, 'n', NULL, NULL },
	{ OPT_CGROUP, OPT_CGROUP_KEY, "cgroup", NULL },
	{ OPT_DURATION, 'd', NULL, "Total duration of trace in seconds" },
	{},
};

static const struct argp_option options[] = {
	{ "type", 't', "TYPE", 0, "Which file system to trace: btrfs, ext4, nfs, xfs or zfs", 0 },
	{ "min", 'm', "MIN_MS", 0, "Minimum latency to trace, in ms (default 10; 0: all)", 0 },
	{ "csv", 'c', NULL, 0, "Comma-separated values, latency in microseconds", 0 },
	{ NULL, 'j', NULL, OPTION_HIDDEN, NULL, 0 }, /* BCC's ext4slower -j */
	{},
};

static const char doc[] =
	"Trace file system operations slower than a threshold: reads, writes, opens "
	"and fsyncs, each with its process, size, offset, latency and file.\v"
	"Run as ext4slower, xfsslower, btrfsslower, nfsslower or zfsslower, it is "
	"fsslower -t ext4 (xfs, ...).  MIN_MS is -m (as BCC's ext4slower takes it).  Where the "
	"kernel allows fentry or kprobes, the "
	"file system's own functions are timed; elsewhere the system calls that reach "
	"them, for files of that file system (see fsslower(8): what that path cannot "
	"see).\n\n"
	"Examples:\n"
	"  fsslower -t ext4       # ext4 operations slower than 10 ms\n"
	"  ext4slower 1           # ext4 operations slower than 1 ms\n"
	"  fsslower -t xfs -m 0   # every xfs operation\n"
	"  fsslower -t nfs -p 1216  # nfs operations of process 1216 only\n"
	"  fsslower -t btrfs -c -d 1  # btrfs, for 1 s, as comma-separated values\n"
	"  fsslower -t ext4 --json  # one JSON object per operation";

static void set_type(const char *arg)
{
	opts.fs = fstype_find(arg);
	if (!opts.fs)
		cli_bad_value("-t", arg, fstype_names());
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 't':
		set_type(arg);
		return 0;
	case 'm':
		opts.min_ms = cli_parse_long("-m", arg, 0, 3600 * 1000);
		opts.min_set = true;
		return 0;
	case 'c':
	case 'j':
		opts.csv = true;
		return 0;
	case ARGP_KEY_ARG:
		if (opts.min_set || state->arg_num)
			cli_usage_error("unexpected argument '%s'", cli_shown(arg));
		opts.min_ms = cli_parse_long("MIN_MS", arg, 0, 3600 * 1000);
		opts.min_set = true;
		return 0;
	case ARGP_KEY_END:
		if (!opts.fs)
			cli_usage_error("which file system? -t TYPE (%s)", fstype_names());
		if (opts.csv && common_opts.json)
			cli_usage_error("-c and --json cannot be combined");
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static void fs_row(struct row *r, const void *rec)
{
	const struct fs_event *e = rec;

	row_hms(r, "TIME");
	row_secs(r, NULL, e->end_ns);
	row_str(r, "COMM", "comm", -16, e->comm, sizeof(e->comm));
	row_uint(r, "PID", "pid", -7, e->pid);
	row_uint(r, NULL, "tid", 0, e->tid);
	if (row_text_col(r, "T", 1))
		fputc(fs_op_letter(e->op), r->f);
	row_str(r, NULL, "op", 0, fs_op_name(e->op), 8);
	row_int(r, "BYTES", "bytes", -7, e->size);
	row_uint(r, "OFF_KB", NULL, -8, (unsigned long long)e->offset / 1024);
	row_int(r, NULL, "offset", 0, e->offset);
	row_double(r, "LAT(ms)", "lat_ms", 7, 2, e->delta_ns / 1e6);
	row_uint(r, NULL, "lat_ns", 0, e->delta_ns);
	row_str(r, "FILENAME", "file", 0, e->file, sizeof(e->file));
}

static void print_csv_header(void)
{
	puts("ENDTIME_ns,TASK,PID,TYPE,BYTES,OFFSET_b,LATENCY_us,FILE");
}

/* -c: the names escaped as everywhere (a comma in a name is not). */
static int print_csv(void *ctx, const void *data, size_t size)
{
	const struct fs_event *e = data;

	(void)ctx;
	if (size < sizeof(*e))
		return 0;
	printf("%llu,", (unsigned long long)e->end_ns);
	print_escaped(stdout, e->comm, sizeof(e->comm));
	printf(",%u,%c,%lld,%lld,%llu,", e->pid, fs_op_letter(e->op), (long long)e->size,
	       (long long)e->offset, (unsigned long long)e->delta_ns / 1000);
	print_escaped(stdout, e->file, sizeof(e->file));
	putchar('\n');
	return 0;
}

static const char *banner(void)
{
	static char buf[128];

	if (opts.min_ms)
		snprintf(buf, sizeof(buf),
			 "Tracing %s operations slower than %ld ms... Hit Ctrl-C to end.",
			 opts.fs->name, opts.min_ms);
	else
		snprintf(buf, sizeof(buf), "Tracing %s operations... Hit Ctrl-C to end.",
			 opts.fs->name);
	return buf;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, "[MIN_MS]", doc, NULL, NULL, NULL };
	struct fsops ops = { .ops = FS_OPS_ALL & ~(1u << FS_GETATTR) };
	struct fsslower_bpf *skel;
	int err = 1;

	opts.fs = fstype_of_name(program_invocation_short_name, "slower");
	tool_parse(&argp, picks, argc, argv);
	ops.fs = opts.fs;
	skel = TOOL_OPEN(fsslower_bpf);
	if (!skel)
		return 1;
	skel->rodata->min_lat_ns = opts.min_ms * 1000000ULL;
	if (!fsops_choose(&ops, skel->obj))
		err = tool_run_events(&(struct tool_events){
			.skel = skel->skeleton,
			.row = opts.csv ? NULL : fs_row,
			.rec_size = sizeof(struct fs_event),
			.rec_min = sizeof(struct fs_event),
			.on_event = opts.csv ? print_csv : NULL,
			.print_header = opts.csv ? print_csv_header : NULL,
			.banner = opts.csv ? NULL : banner(),
			.attach = fsops_attach,
			.ctx = &ops,
		});
	fsops_detach(&ops);
	fsslower_bpf__destroy(skel);
	return err;
}

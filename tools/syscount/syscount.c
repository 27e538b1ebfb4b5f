// SPDX-License-Identifier: GPL-2.0
/* syscount: summarize system calls: counts and time spent, per syscall or per process. */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "hist.h"
#include "names.h"
#include "output.h"
#include "probe.h"
#include "row.h"
#include "tool.h"
#include "syscount.h"
#include "syscount.skel.h"

#define ERRNO_MAX 4095

static struct {
	int top;
	int interval; /* seconds; 0: one summary at the end */
	int errno_filter;
	bool latency;
	bool msecs;
	bool list;
} opts = { .top = 10 };

static const struct opt_pick picks[] = {
	{ OPT_PID, 'p', NULL, NULL },
	{ OPT_TID, 't', NULL, NULL },
	{ OPT_COMM, 'n', NULL, NULL },
	{ OPT_CGROUP, 'c', NULL, NULL },
	{ OPT_DURATION, 'd', NULL, "Total tracing duration (seconds)" },
	{ OPT_FAILED, 'x', "failures", "Count only failed syscalls" },
	{ OPT_PER_PID, 'P', "process", "Count by process and not by syscall" },
	{},
};

static const struct argp_option options[] = {
	{ "interval", 'i', "INTERVAL", 0,
	  "Print a summary every INTERVAL seconds (0: once, at the end; the default)", 0 },
	{ "top", 'T', "TOP", 0, "Print only the top TOP rows (default 10)", 0 },
	{ "errno", 'e', "ERRNO", 0, "Count only syscalls that failed with this errno (ENOENT or 2)",
	  0 },
	{ "latency", 'L', NULL, 0, "Also sum the time spent in the calls, and sort by it", 0 },
	{ "milliseconds", 'm', NULL, 0, "Show that time in milliseconds (default: microseconds)",
	  0 },
	{ "list", 'l', NULL, 0, "Print the syscalls this build knows, by number, and exit", 0 },
	{},
};

static const char doc[] =
	"Summarize system calls: how many each syscall (or each process, -P) made, and with "
	"-L the time spent in them.\v"
	"Without -i, one summary is printed at Ctrl-C (or at the end of -d); with -i, one "
	"every INTERVAL seconds.  Rows are sorted by count, or by time with -L.\n\n"
	"Examples:\n"
	"  syscount               # top 10 syscalls by count, at Ctrl-C\n"
	"  syscount -i 1          # every second\n"
	"  syscount -p 185        # syscalls of process 185 only\n"
	"  syscount -L -m         # with the time spent in them, in milliseconds\n"
	"  syscount -P -T 5       # the 5 processes making the most syscalls\n"
	"  syscount -x -i 5       # failed syscalls only, every 5 seconds\n"
	"  syscount -e ENOENT     # syscalls that failed with ENOENT only\n"
	"  syscount -c /sys/fs/cgroup/system.slice  # that cgroup only\n"
	"  syscount -l            # the syscall names and numbers\n"
	"  syscount --json -i 1   # one JSON object per second";

/* ERRNO: a name (ENOENT) or a number (2). */
static int parse_errno(const char *arg)
{
	const char *name;
	int e;

	if (arg[0] >= '0' && arg[0] <= '9')
		return cli_parse_long("-e", arg, 1, ERRNO_MAX);
	for (e = 1; e <= ERRNO_MAX; e++) {
		name = errno_name(e);
		if (name && !strcmp(name, arg))
			return e;
	}
	cli_bad_value("-e", arg, "not an errno name or number");
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	switch (key) {
	case 'i':
		opts.interval = cli_parse_long("-i", arg, 0, INT_MAX);
		return 0;
	case 'T':
		opts.top = cli_parse_long("-T", arg, 1, INT_MAX);
		return 0;
	case 'e':
		opts.errno_filter = parse_errno(arg);
		return 0;
	case 'L':
		opts.latency = true;
		return 0;
	case 'm':
		opts.msecs = true;
		return 0;
	case 'l':
		opts.list = true;
		return 0;
	case ARGP_KEY_END:
		/* -i and -d: intervals until the duration is covered; -d alone: one. */
		if (opts.interval && (!gopts.duration || opts.interval < gopts.duration)) {
			gopts.interval = opts.interval;
			if (gopts.duration)
				gopts.count = (gopts.duration + opts.interval - 1) / opts.interval;
		} else if (gopts.duration) {
			gopts.interval = gopts.duration;
			gopts.count = 1;
		}
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static bool by_process(void)
{
	return gopts.key_by == KEY_PID;
}

/* A row: a syscall number or a process id, and what was counted for it. */
struct entry {
	__u32 id;
	__u32 pad;
	struct proc_counts v;
};

static struct entry entries[MAX_SYSCALLS > MAX_PROCS ? MAX_SYSCALLS : MAX_PROCS];
static uint64_t totals[2 * MAX_SYSCALLS], prev[2 * MAX_SYSCALLS];

static const char *time_head(void)
{
	if (!opts.latency)
		return NULL;
	return opts.msecs ? "TIME (ms)" : "TIME (us)";
}

static void time_col(struct row *r, const struct entry *e)
{
	double div = opts.msecs ? 1e6 : 1e3;

	if (opts.latency)
		row_double(r, time_head(), opts.msecs ? "time_ms" : "time_us", 16, 3,
			   e->v.ns / div);
}

static void syscall_row(struct row *r, const void *rec)
{
	const struct entry *e = rec;
	const char *name = syscall_name(e->id);
	char unknown[32];

	if (!name) {
		snprintf(unknown, sizeof(unknown), "syscall_%u", e->id);
		name = unknown;
	}
	row_str(r, "SYSCALL", "syscall", -22, name, strlen(name));
	row_uint(r, NULL, "nr", 0, e->id);
	row_uint(r, "COUNT", "count", 8, e->v.count);
	time_col(r, e);
}

static void process_row(struct row *r, const void *rec)
{
	const struct entry *e = rec;

	row_uint(r, "PID", "pid", -6, e->id);
	row_str(r, "COMM", "comm", -15, e->v.comm, sizeof(e->v.comm));
	row_uint(r, "COUNT", "count", 8, e->v.count);
	time_col(r, e);
}

/* Most first: by time with -L, else by count; then by number, for a stable order. */
static int cmp_entries(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	__u64 kx = opts.latency ? x->v.ns : x->v.count;
	__u64 ky = opts.latency ? y->v.ns : y->v.count;

	if (kx != ky)
		return kx < ky ? 1 : -1;
	return x->id < y->id ? -1 : x->id > y->id;
}

/* The per-CPU counters' growth since the last interval, as entries. */
static int read_syscalls(struct syscount_bpf *skel)
{
	int err = hist_read_percpu_delta(bpf_map__fd(skel->maps.counts),
					 sizeof(struct syscall_counts), totals, prev,
					 2 * MAX_SYSCALLS);
	int nr, n = 0;

	if (err)
		return err;
	for (nr = 0; nr < MAX_SYSCALLS; nr++) {
		if (!totals[nr])
			continue;
		entries[n] = (struct entry){ .id = nr };
		entries[n].v.count = totals[nr];
		entries[n].v.ns = totals[MAX_SYSCALLS + nr];
		n++;
	}
	return n;
}

static const struct hist_records proc_table = {
	.recs = entries,
	.rec_size = sizeof(entries[0]),
	.value_off = offsetof(struct entry, v),
	.max = MAX_PROCS,
	.cmp = cmp_entries,
};

/* JSON: {"time":"HH:MM:SS","syscalls":[{row}, ...]}, the rows through their description. */
static void print_json(row_fn fn, int n)
{
	struct row r = { .mode = ROW_JSON, .f = stdout };
	char hms[16];
	int i;

	json_begin(&r.j, stdout);
	json_str(&r.j, "time", time_hms(hms, sizeof(hms)));
	json_arr_begin(&r.j, by_process() ? "processes" : "syscalls");
	for (i = 0; i < n; i++) {
		json_obj_begin(&r.j, NULL);
		fn(&r, &entries[i]);
		json_obj_end(&r.j);
	}
	json_arr_end(&r.j);
	json_end(&r.j);
}

static int print_interval(void *ctx)
{
	row_fn fn = by_process() ? process_row : syscall_row;
	char hms[16];
	int i, n;

	n = by_process()
		    ? hist_drain(bpf_map__fd(((struct syscount_bpf *)ctx)->maps.procs), &proc_table)
		    : read_syscalls(ctx);
	if (n < 0) {
		cli_warn("cannot read the counts: %s", strerror(-n));
		return n;
	}
	if (!by_process())
		qsort(entries, n, sizeof(entries[0]), cmp_entries);
	if (n > opts.top)
		n = opts.top;
	if (common_opts.json) {
		print_json(fn, n);
		return 0;
	}
	printf("[%s]\n", time_hms(hms, sizeof(hms)));
	row_print_header(fn, &(struct entry){});
	for (i = 0; i < n; i++)
		row_print(fn, &entries[i]);
	return 0;
}

/* -l: every syscall name this build knows, by number. */
static int list_syscalls(void)
{
	int nr;

	for (nr = 0; nr < MAX_SYSCALLS; nr++) {
		if (syscall_name(nr))
			printf("%3d: %s\n", nr, syscall_name(nr));
	}
	if (fflush(stdout) || ferror(stdout))
		cli_die("cannot write the output: %s", strerror(errno));
	return 0;
}

/*
 * The tp_btf programs keep -L's entry time in the thread's own storage (task
 * storage, Linux 5.11): without it, raw_tp is used (the map cannot be created
 * and the programs that name it cannot load).
 */
static void need_task_storage(struct syscount_bpf *skel)
{
	if (!hook_avoided("task_storage") &&
	    libbpf_probe_bpf_map_type(BPF_MAP_TYPE_TASK_STORAGE, NULL) == 1)
		return;
	bpf_map__set_autocreate(skel->maps.start_task, false);
	bpf_program__set_autoload(skel->progs.sys_enter_btf, false);
	bpf_program__set_autoload(skel->progs.sys_exit_btf, false);
}

static int configure(struct syscount_bpf *skel)
{
	bool stash;

	skel->rodata->measure_latency = opts.latency;
	skel->rodata->by_process = by_process();
	skel->rodata->filter_errno = opts.errno_filter;
	need_task_storage(skel);
	/* Without -L, calls are counted at their exit alone. */
	if (!opts.latency) {
		bpf_program__set_autoload(skel->progs.sys_enter_btf, false);
		bpf_program__set_autoload(skel->progs.sys_enter_raw, false);
		bpf_program__set_autoload(skel->progs.sys_enter_tp, false);
	}
	if (hook_choose_each(skel->obj, NULL))
		return -1;
	/* -L through raw_tp or the tracepoints: an entry per thread inside a syscall. */
	stash = opts.latency && !bpf_program__autoload(skel->progs.sys_enter_btf);
	bpf_map__set_max_entries(skel->maps.start,
				 stash ? probe_threads_room(2, START_ENTRIES) : 1);
	if (!by_process())
		bpf_map__set_max_entries(skel->maps.procs, 1);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct syscount_bpf *skel;
	char banner[80];
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	if (opts.list)
		return list_syscalls();
	skel = TOOL_OPEN(syscount_bpf);
	if (!skel)
		return 1;
	snprintf(banner, sizeof(banner), "Tracing syscalls, printing top %d... Hit Ctrl-C to end.",
		 opts.top);
	if (!configure(skel))
		err = tool_run_intervals(&(struct tool_intervals){
			.skel = skel->skeleton,
			.banner = banner,
			.print_interval = print_interval,
			.ctx = skel,
		});
	syscount_bpf__destroy(skel);
	return err;
}

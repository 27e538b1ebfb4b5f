// SPDX-License-Identifier: GPL-2.0
/* numamove: NUMA misplaced-page migrations per interval, and the time they took. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "hist.h"
#include "output.h"
#include "probe.h"
#include "row.h"
#include "tool.h"
#include "numamove.h"
#include "numamove.skel.h"

static const struct opt_pick picks[] = {
	{ OPT_PID, 'p', NULL, "Count the migrations of this process only (or these: PID,PID...)" },
	{ OPT_CGROUP, 'c', NULL, NULL },
	{ OPT_INTERVAL, 0, NULL, NULL },
	{},
};

static const char doc[] =
	"Show page migrations of type NUMA misplaced per second: the pages NUMA balancing "
	"moves to the node of the CPU that uses them, and the time that took.\v"
	"Every INTERVAL seconds (default 1), COUNT times or until Ctrl-C, a line "
	"TIME NUMA_migrations NUMA_migrations_ms: the migrations that ended in that "
	"interval and their total time in milliseconds.  Migrations are counted in the "
	"task whose access faulted (-p, -c).  On a machine with one NUMA node, or with "
	"NUMA balancing off, nothing is migrated; numamove says so when it starts.\n\n"
	"Examples:\n"
	"  numamove               # a line per second\n"
	"  numamove 5 12          # 5 second intervals, 12 times\n"
	"  numamove -p 185        # migrations of process 185 only\n"
	"  numamove --json        # one JSON object per second";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)key;
	(void)arg;
	(void)state;
	return ARGP_ERR_UNKNOWN;
}

/* [0]: migrations, [1]: their nanoseconds. */
static void numa_row(struct row *r, const void *rec)
{
	const uint64_t *n = rec;
	char hms[16] = "";

	if (r->mode == ROW_TEXT)
		time_hms(hms, sizeof(hms));
	row_str(r, "TIME", NULL, -10, hms, sizeof(hms));
	row_hms(r, NULL);
	row_double(r, NULL, "secs", 0, 3, tool_interval_secs());
	row_uint(r, "NUMA_migrations", "migrations", 18, n[0]);
	row_uint(r, "NUMA_migrations_ms", "migrations_ms", 18, n[1] / 1000000);
	row_uint(r, NULL, "migrations_ns", 0, n[1]);
}

static void print_header(void *ctx)
{
	(void)ctx;
	row_print_header(numa_row, (uint64_t[2]){});
}

/* The counters are per CPU and never cleared: an interval is their growth. */
static int print_interval(void *ctx)
{
	struct numamove_bpf *skel = ctx;
	static uint64_t prev[2];
	uint64_t n[2];

	return hist_print_counters(bpf_map__fd(skel->maps.counts), sizeof(struct numa_count), n,
				   prev, 2, numa_row);
}

/* Nodes in a list such as "0", "0-1" or "0,2-3"; 0 if it cannot be read. */
static int count_nodes(const char *path)
{
	char buf[256], *p, *end;
	FILE *f = fopen(path, "re");
	long lo, hi;
	int n = 0;

	if (!f)
		return 0;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	while (p && *p >= '0' && *p <= '9') {
		lo = hi = strtol(p, &end, 10);
		if (*end == '-')
			hi = strtol(end + 1, &end, 10);
		if (hi >= lo)
			n += hi - lo + 1;
		p = *end == ',' ? end + 1 : NULL;
	}
	return n;
}

/* Why the counts may stay 0: one line on stderr, for people (the output is unchanged). */
static void say_why_none(void)
{
	int nodes = count_nodes("/sys/devices/system/node/online");
	FILE *f = fopen("/proc/sys/kernel/numa_balancing", "re");
	int balancing = -1;

	if (f) {
		if (fscanf(f, "%d", &balancing) != 1)
			balancing = -1;
		fclose(f);
	}
	if (nodes == 1)
		cli_warn("this machine has one NUMA node: no page is ever misplaced, the counts "
			 "stay 0");
	else if (nodes == 0)
		cli_warn("this kernel shows no NUMA nodes (/sys/devices/system/node): the counts "
			 "stay 0");
	else if (balancing == 0)
		cli_warn("NUMA balancing is off (kernel.numa_balancing = 0): the kernel moves no "
			 "misplaced pages, the counts stay 0");
}

/*
 * migrate_pages() between its two tracepoints, the reason checked at the
 * start; else the misplaced-page function itself, entry and exit of one kind.
 */
static int choose_hooks(struct numamove_bpf *skel)
{
	struct bpf_program *starts[] = {
		skel->progs.migrate_start_btf,	   skel->progs.migrate_start_raw,
		skel->progs.migrate_start_tp,	   skel->progs.misplaced_folio_fentry,
		skel->progs.misplaced_page_fentry, skel->progs.misplaced_folio_kprobe,
		skel->progs.misplaced_page_kprobe,
	};
	struct bpf_program *ends[] = {
		skel->progs.migrate_end_btf,	      skel->progs.migrate_end_raw,
		skel->progs.migrate_end_tp,	      skel->progs.misplaced_folio_fexit,
		skel->progs.misplaced_page_fexit,     skel->progs.misplaced_folio_kretprobe,
		skel->progs.misplaced_page_kretprobe,
	};
	int k = hook_choose("NUMA misplaced-page migrations", starts, ARRAY_SIZE(starts));
	size_t i;

	if (k < 0)
		return -1;
	for (i = 0; i < ARRAY_SIZE(ends); i++)
		bpf_program__set_autoload(ends[i], false);
	bpf_program__set_autoload(ends[k], true);
	return hook_choose("the end of NUMA misplaced-page migrations", &ends[k], 1) < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { NULL, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct numamove_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	if (gopts.interval == INT_MAX)
		gopts.interval = 1;
	skel = TOOL_OPEN(numamove_bpf);
	if (!skel)
		return 1;
	bpf_map__set_max_entries(skel->maps.start, probe_threads_room(1, START_ENTRIES));
	if (!choose_hooks(skel)) {
		say_why_none();
		err = tool_run_intervals(&(struct tool_intervals){
			.skel = skel->skeleton,
			.print_interval = print_interval,
			.ctx = skel,
			.lines = true,
			.print_header = print_header,
		});
	}
	numamove_bpf__destroy(skel);
	return err;
}

// SPDX-License-Identifier: GPL-2.0
/* drsnoop: trace direct memory reclaim: who stalled in it, for how long, and what it freed. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "output.h"
#include "probe.h"
#include "row.h"
#include "tool.h"
#include "drsnoop.h"
#include "drsnoop.skel.h"

static struct {
	bool extended;
	bool print_uid;
	bool memcg;
} opts;

enum { OPT_MEMCG = 0x100 };

static const struct opt_pick picks[] = {
	{ OPT_PID, 'p', NULL, NULL },
	{ OPT_TID, 't', NULL, NULL },
	{ OPT_UID, 'u', NULL, NULL },
	{ OPT_COMM, 'n', NULL, "Only print commands whose name contains NAME" },
	{ OPT_CGROUP, 'c', NULL, NULL },
	{ OPT_DURATION, 'd', NULL, NULL },
	{ OPT_TIMESTAMP, 'T', NULL, "Include seconds since the trace started (TIME(s))" },
	{},
};

static const struct argp_option options[] = {
	{ "extended", 'e', NULL, 0, "Extended fields output: free memory (FREE(KB))", 0 },
	{ "print-uid", 'U', NULL, 0, "Print a UID column", 0 },
	{ "memcg", OPT_MEMCG, NULL, 0,
	  "Also trace reclaim forced by a cgroup's memory limit (a TYPE column tells which)", 0 },
	{},
};

static const char doc[] =
	"Trace direct reclaim: each time a task had to free memory itself before an "
	"allocation could succeed, with its latency and the pages freed.\v"
	"A cgroup over its memory limit reclaims through another path, which direct "
	"reclaim does not include; --memcg adds it.\n\n"
	"Examples:\n"
	"  drsnoop                # trace all direct reclaim\n"
	"  drsnoop -T             # include seconds since the start\n"
	"  drsnoop -U             # include a UID column\n"
	"  drsnoop -p 181         # only process 181\n"
	"  drsnoop -t 123         # only thread 123\n"
	"  drsnoop -u 1000        # only UID 1000\n"
	"  drsnoop -n main        # only commands whose name contains \"main\"\n"
	"  drsnoop -d 10          # trace for 10 seconds only\n"
	"  drsnoop -e             # with the free memory after each reclaim\n"
	"  drsnoop --memcg        # also reclaim forced by cgroup memory limits\n"
	"  drsnoop --json         # one JSON object per reclaim";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)arg;
	(void)state;
	switch (key) {
	case 'e':
		opts.extended = true;
		return 0;
	case 'U':
		opts.print_uid = true;
		return 0;
	case OPT_MEMCG:
		opts.memcg = true;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

/*
 * -e: free memory in KiB, from /proc/vmstat when the reclaim is printed
 * (upstream reads the kernel's vm_zone_stat, a data symbol that kallsyms
 * lists only with CONFIG_KALLSYMS_ALL).  0 if it cannot be read.
 */
static unsigned long long free_kb(void)
{
	unsigned long long pages = 0;
	char line[128];
	FILE *f = fopen("/proc/vmstat", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "nr_free_pages %llu", &pages) == 1)
			break;
	}
	fclose(f);
	return pages * (sysconf(_SC_PAGESIZE) / 1024);
}

static void reclaim_row(struct row *r, const void *rec)
{
	const struct reclaim_event *e = rec;
	const char *kind = e->kind == RECLAIM_MEMCG ? "memcg" : "direct";

	row_hms(r, "TIME");
	row_secs(r, gopts.timestamp ? "TIME(s)" : NULL, e->ts_ns);
	row_uint(r, opts.print_uid ? "UID" : NULL, "uid", -6, e->uid);
	row_str(r, "COMM", "comm", -16, e->comm, sizeof(e->comm));
	row_uint(r, NULL, "pid", 0, e->pid);
	row_uint(r, "TID", "tid", -6, e->tid);
	row_double(r, "LAT(ms)", "lat_ms", 8, 3, e->delta_ns / 1e6);
	row_uint(r, "PAGES", "pages", opts.extended || opts.memcg ? 5 : 0, e->nr_reclaimed);
	if (opts.extended)
		row_uint(r, "FREE(KB)", "free_kb", 8, r->mode == ROW_HEADER ? 0 : free_kb());
	row_str(r, opts.memcg ? "TYPE" : NULL, "type", 0, kind, 8);
}

/* Direct reclaim always; the memcg events only with --memcg (and then they must exist). */
static int choose_hooks(struct drsnoop_bpf *skel)
{
	struct bpf_program *memcg[] = {
		skel->progs.memcg_begin_btf, skel->progs.memcg_begin_raw,
		skel->progs.memcg_begin_tp,  skel->progs.memcg_end_btf,
		skel->progs.memcg_end_raw,   skel->progs.memcg_end_tp,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(memcg) && !opts.memcg; i++)
		bpf_program__set_autoload(memcg[i], false);
	return hook_choose_each(skel->obj, NULL);
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct drsnoop_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(drsnoop_bpf);
	if (!skel)
		return 1;
	bpf_map__set_max_entries(skel->maps.start, probe_threads_room(1, START_ENTRIES));
	if (!choose_hooks(skel))
		err = tool_run_events(&(struct tool_events){
			.skel = skel->skeleton,
			.row = reclaim_row,
			.rec_size = sizeof(struct reclaim_event),
			.rec_min = sizeof(struct reclaim_event),
			.banner = "Tracing direct reclaim events... Hit Ctrl-C to end.",
		});
	drsnoop_bpf__destroy(skel);
	return err;
}

// SPDX-License-Identifier: GPL-2.0
/* dcsnoop: trace dcache lookups that miss, or (-a) every lookup. */
#include <stdio.h>
#include <string.h>

#include "kfuncs.h"
#include "probe.h"
#include "row.h"
#include "tool.h"
#include "dcsnoop.h"
#include "dcsnoop.skel.h"

static struct {
	bool all;
} opts;

static const struct opt_pick picks[] = {
	{ OPT_PID, 'p', NULL, "Trace this process only (or these: PID,PID...)" },
	{ OPT_COMM, 'n', NULL, "Only trace commands whose name contains NAME" },
	{ OPT_CGROUP, 'c', NULL, NULL },
	{ OPT_DURATION, 'd', NULL, NULL },
	{},
};

static const struct argp_option options[] = {
	{ "all", 'a', NULL, 0, "Trace all lookups (default: misses only)", 0 },
	{},
};

static const char doc[] =
	"Trace directory entry cache (dcache) lookups: by default those that miss.\v"
	"T is M for a miss (d_lookup found no entry for the name) and, with -a, R for "
	"every path component looked up in the dcache (lookup_fast).  FILE is the "
	"component looked up.  Needs fentry or kprobes: no tracepoint marks these "
	"lookups (see dcsnoop(8)).\n\n"
	"Examples:\n"
	"  dcsnoop                # dcache misses\n"
	"  dcsnoop -a             # every dcache lookup (many: mind the overhead)\n"
	"  dcsnoop -p 185         # lookups of process 185 only\n"
	"  dcsnoop --json         # one JSON object per lookup";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)arg;
	(void)state;
	if (key != 'a')
		return ARGP_ERR_UNKNOWN;
	opts.all = true;
	return 0;
}

static void dc_row(struct row *r, const void *rec)
{
	const struct dc_event *e = rec;
	char type[2] = { e->type, '\0' };

	row_secs(r, "TIME(s)", e->ts_ns);
	row_uint(r, "PID", "pid", -7, e->pid);
	row_uint(r, NULL, "tid", 0, e->tid);
	row_str(r, "COMM", "comm", -16, e->comm, sizeof(e->comm));
	row_str(r, "T", "type", 1, type, sizeof(type));
	row_str(r, "FILE", "file", 0, e->name, e->name_len);
	row_bool(r, NULL, "truncated", 0, e->truncated);
}

/* A record's name is its own length at most. */
static bool keep_event(void *rec, size_t size)
{
	struct dc_event *e = rec;

	(void)size;
	if (e->name_len > DC_NAME_MAX - 1)
		e->name_len = DC_NAME_MAX - 1;
	return true;
}

/*
 * Misses: fexit on d_lookup (name and result in one program), else its
 * kprobe and kretprobe.  References (-a): lookup_fast via fentry, else kprobe.
 */
static int choose_hooks(struct dcsnoop_bpf *skel)
{
	struct bpf_program *fast[] = { skel->progs.lookup_fast_fentry,
				       skel->progs.lookup_fast_kprobe };
	struct bpf_program *miss[] = { skel->progs.d_lookup_fexit, skel->progs.d_lookup_kprobe };
	struct bpf_program *ret = skel->progs.d_lookup_kretprobe;
	int k;

	k = kfunc_choose("dcache lookups", miss, ARRAY_SIZE(miss));
	if (k < 0)
		return -1;
	if (miss[k] != skel->progs.d_lookup_kprobe)
		bpf_program__set_autoload(ret, false);
	else if (hook_choose("the return of d_lookup", &ret, 1) < 0)
		return -1;
	if (!opts.all) {
		bpf_program__set_autoload(fast[0], false);
		bpf_program__set_autoload(fast[1], false);
		return 0;
	}
	return kfunc_choose("dcache lookups", fast, ARRAY_SIZE(fast)) < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct dcsnoop_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(dcsnoop_bpf);
	if (!skel)
		return 1;
	skel->rodata->trace_all = opts.all;
	bpf_map__set_max_entries(skel->maps.pending, probe_threads_room(2, 1024));
	if (!choose_hooks(skel))
		err = tool_run_events(&(struct tool_events){
			.skel = skel->skeleton,
			.row = dc_row,
			.rec_size = sizeof(struct dc_event),
			.rec_min = sizeof(struct dc_event),
			.keep = keep_event,
		});
	dcsnoop_bpf__destroy(skel);
	return err;
}

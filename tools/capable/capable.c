// SPDX-License-Identifier: GPL-2.0
/* capable: trace capability checks (cap_capable()): who asked for which capability, and the
 * verdict. */
#include <stdio.h>
#include <string.h>

#include "names.h"
#include "probe.h"
#include "row.h"
#include "stacks.h"
#include "tool.h"
#include "capable.h"
#include "capable.skel.h"

enum { OPT_UID_KEY = 0x100, OPT_STACK_DEPTH, OPT_STACK_STORAGE };

static struct {
	bool kernel_stack;
	bool user_stack;
	bool extra;
	enum unique_by unique;
	long stack_depth;
} opts = { .stack_depth = STACK_MAX_DEPTH };

static const struct opt_pick picks[] = {
	{ OPT_PID, 'p', NULL, NULL },
	{ OPT_TID, 't', NULL, NULL },
	{ OPT_UID, OPT_UID_KEY, NULL, NULL },
	{ OPT_COMM, 'n', NULL, NULL },
	{ OPT_CGROUP, 'c', NULL, NULL },
	{ OPT_DURATION, 'd', NULL, NULL },
	{},
};

static const struct argp_option options[] = {
	{ "kernel-stack", 'K', NULL, 0, "Print the kernel stack of each check", 0 },
	{ "user-stack", 'U', NULL, 0, "Print the user stack of each check", 0 },
	{ "extra-fields", 'x', NULL, 0, "Add the TID and INSETID columns", 0 },
	{ "unique", 'u', "TYPE", 0,
	  "Report each capability once per process (TYPE pid) or per cgroup (TYPE cgroup)", 0 },
	{ "perf-max-stack-depth", OPT_STACK_DEPTH, "N", 0,
	  "Frames kept of each stack (default and most: 127, or kernel.perf_event_max_stack)", 0 },
	{ "stack-storage-size", OPT_STACK_STORAGE, "N", 0,
	  "Accepted for compatibility: each check carries its own stacks, nothing to size", 0 },
	{},
};

static const char doc[] =
	"Trace security capability checks (cap_capable()) with their verdict.\v"
	"AUDIT is 1 for a check the kernel would audit, 0 for one made with\n"
	"CAP_OPT_NOAUDIT (a probe whose failure is not an error); INSETID is 1 for\n"
	"a check made while setting an id (CAP_OPT_INSETID).  Both are \"-\" where\n"
	"the capability:cap_capable tracepoint is the hook (Linux 6.15+): it does\n"
	"not pass them.  VERDICT is allow or deny.\n\n"
	"Examples:\n"
	"  capable                # every capability check\n"
	"  capable -p 185         # process 185 only\n"
	"  capable -c CG          # tasks in the cgroup (v2 directory) CG only\n"
	"  capable -K             # with the kernel stack of each check\n"
	"  capable -U             # with the user stack of each check\n"
	"  capable -x             # with TID and INSETID columns\n"
	"  capable -u pid         # each capability once per process\n"
	"  capable --json         # one JSON object per check";

static enum unique_by parse_unique(const char *arg)
{
	if (!strcmp(arg, "pid"))
		return UNIQUE_PID;
	if (!strcmp(arg, "cgroup"))
		return UNIQUE_CGROUP;
	if (!strcmp(arg, "off"))
		return UNIQUE_OFF;
	cli_bad_value("-u", arg, "not pid, cgroup or off");
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	switch (key) {
	case 'K':
		opts.kernel_stack = true;
		return 0;
	case 'U':
		opts.user_stack = true;
		return 0;
	case 'x':
		opts.extra = true;
		return 0;
	case 'u':
		opts.unique = parse_unique(arg);
		return 0;
	case OPT_STACK_DEPTH:
		opts.stack_depth =
			cli_parse_long("--perf-max-stack-depth", arg, 1, STACK_MAX_DEPTH);
		return 0;
	case OPT_STACK_STORAGE:
		cli_parse_long("--stack-storage-size", arg, 1, STACK_STORAGE_MAX);
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

/* The stacks' names, with -K or -U (set up once the object is loaded). */
static struct stacks *stacks;

/* AUDIT and INSETID, 1 or 0 from cap_capable()'s opts; "-" (no JSON key) on the tracepoint. */
static void opts_col(struct row *r, const char *head, const char *key, int width,
		     const struct cap_event *e, bool v)
{
	if (!e->has_opts)
		row_str(r, head, NULL, width, NULL, 0);
	else if (r->mode == ROW_JSON)
		row_bool(r, head, key, width, v);
	else
		row_int(r, head, key, width, v);
}

/* The frames copied into e: kernel first, then user; a count < 0 is an error. */
static struct event_stacks event_stacks(const struct cap_event *e, size_t size)
{
	size_t room = (size - CAP_EVENT_HEADER_SIZE) / sizeof(__u64);
	int k = e->kbytes < 0 ? e->kbytes : (int)(e->kbytes / sizeof(__u64));
	int u = e->ubytes < 0 ? e->ubytes : (int)(e->ubytes / sizeof(__u64));

	/* Never past what was received. */
	if (k > (int)room)
		k = room;
	if (u > (int)room - (k > 0 ? k : 0))
		u = room - (k > 0 ? k : 0);
	return (struct event_stacks){
		.pid = e->pid,
		.kernel = e->frames,
		.nkernel = k,
		.user = e->frames + (k > 0 ? k : 0),
		.nuser = u,
	};
}

/* The size of the record being printed (the row sees only the record). */
static size_t rec_size;

static void cap_row(struct row *r, const void *rec)
{
	const struct cap_event *e = rec;
	struct event_stacks st;

	row_hms(r, "TIME");
	row_uint(r, "UID", "uid", -5, e->uid);
	row_uint(r, "PID", "pid", -7, e->pid);
	row_uint(r, opts.extra ? "TID" : NULL, "tid", -7, e->tid);
	row_str(r, "COMM", "comm", -16, e->comm, sizeof(e->comm));
	row_int(r, "CAP", "cap", -7, e->cap);
	row_str(r, "NAME", "name", -20, capability_name(e->cap), 32);
	opts_col(r, "AUDIT", "audit", -7, e, !(e->opts & CAP_OPT_NOAUDIT));
	row_str(r, "VERDICT", "verdict", opts.extra ? -7 : 0, e->ret ? "deny" : "allow", 8);
	row_int(r, NULL, "ret", 0, e->ret);
	opts_col(r, opts.extra ? "INSETID" : NULL, "insetid", 0, e, e->opts & CAP_OPT_INSETID);
	if (r->mode == ROW_JSON && stacks) {
		st = event_stacks(e, rec_size);
		stacks_json_event(stacks, &r->j, &st);
	}
}

static void print_header(void)
{
	row_print_header(cap_row, &(struct cap_event){});
}

/* With -K/-U: the row, then (text) its stacks under it, named now, while the process runs. */
/* With -K/-U: the row, then (text) its stacks under it, named now, while the process runs. */
static int on_event(void *ctx, const void *data, size_t size)
{
	static struct cap_event e;
	struct event_stacks st;

	(void)ctx;
	if (size < CAP_EVENT_HEADER_SIZE)
		return 0;
	rec_size = size < sizeof(e) ? size : sizeof(e);
	memcpy(&e, data, rec_size);
	row_print(cap_row, &e);
	if (!common_opts.json) {
		st = event_stacks(&e, rec_size);
		stacks_print_event(stacks, &st);
	}
	return 0;
}

static int after_load(void *ctx)
{
	const struct stack_show show = {
		.kernel = opts.kernel_stack,
		.user = opts.user_stack,
		.format = common_opts.json ? STACK_JSON : STACK_MULTILINE,
		.kernel_from = "cap_capable",
	};

	(void)ctx;
	stacks = stacks_new(-1, &show);
	if (!stacks)
		cli_warn("out of memory");
	return stacks ? 0 : -1;
}

/*
 * The capability:cap_capable tracepoint (Linux 6.15+) first: tp_btf, raw_tp,
 * classic.  Older kernels: fexit on cap_capable() (its arguments and result
 * in one program), else a kprobe and kretprobe pair.
 */
static int choose_hooks(struct capable_bpf *skel)
{
	struct bpf_program *alts[] = {
		skel->progs.cap_capable_btf,	skel->progs.cap_capable_raw,
		skel->progs.cap_capable_tp,	skel->progs.cap_capable_fexit,
		skel->progs.cap_capable_kprobe,
	};
	struct bpf_program *ret = skel->progs.cap_capable_kretprobe;
	int k;

	bpf_program__set_autoload(ret, false);
	k = hook_choose("capability checks (cap_capable)", alts, ARRAY_SIZE(alts));
	if (k < 0)
		return -1;
	if (alts[k] != skel->progs.cap_capable_kprobe)
		return 0;
	bpf_map__set_max_entries(skel->maps.pending, probe_threads_room(1, 1024));
	return hook_choose("the return of cap_capable", &ret, 1) < 0 ? -1 : 0;
}

/* --perf-max-stack-depth, within kernel.perf_event_max_stack (bpf_get_stack() keeps to it). */
static long stack_depth(void)
{
	FILE *f = fopen("/proc/sys/kernel/perf_event_max_stack", "r");
	long max = STACK_MAX_DEPTH;

	if (f) {
		if (fscanf(f, "%ld", &max) != 1 || max <= 0)
			max = STACK_MAX_DEPTH;
		fclose(f);
	}
	return opts.stack_depth < max ? opts.stack_depth : max;
}

static int configure(struct capable_bpf *skel)
{
	skel->rodata->kernel_stacks = opts.kernel_stack;
	skel->rodata->user_stacks = opts.user_stack;
	skel->rodata->unique_by = opts.unique;
	skel->rodata->stack_bytes = stack_depth() * sizeof(__u64);
	return choose_hooks(skel);
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	bool with_stacks;
	struct capable_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	with_stacks = opts.kernel_stack || opts.user_stack;
	skel = TOOL_OPEN(capable_bpf);
	if (skel && !configure(skel))
		err = tool_run_events(&(struct tool_events){
			.skel = skel->skeleton,
			.row = with_stacks ? NULL : cap_row,
			.rec_size = sizeof(struct cap_event),
			.rec_min = CAP_EVENT_HEADER_SIZE,
			.on_event = with_stacks ? on_event : NULL,
			.print_header = print_header,
			.after_load = with_stacks ? after_load : NULL,
			.ctx = skel,
			/* Events with stacks are up to 2 KiB: room for a burst of them. */
			.ring_bytes = with_stacks ? 2 << 20 : 0,
		});
	stacks_free(stacks);
	capable_bpf__destroy(skel);
	return err;
}

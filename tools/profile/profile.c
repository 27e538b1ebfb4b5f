// SPDX-License-Identifier: GPL-2.0
/* profile: sample on-CPU stacks at a timed interval and count them. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tool.h"
#include "output.h"
#include "stacks.h"
#include "profile.h"
#include "profile.skel.h"

static struct opts {
	bool user_only;
	bool kernel_only;
	bool folded;
	bool delimited;
	bool annotate;
	bool include_idle;
	struct cpu_clock clock;
	long stack_storage;
	long hash_storage;
} opts = {
	.clock.cpu = -1,
	.stack_storage = STACK_STORAGE_DEFAULT,
	.hash_storage = STACK_COUNTS_DEFAULT,
};

enum { OPT_STACK_STORAGE = 0x100, OPT_HASH_STORAGE };

static const struct opt_pick picks[] = {
	{ OPT_PID, 'p', NULL, "Profile these processes only (comma separated)" },
	{ OPT_TID, 'L', NULL, "Profile these threads only (comma separated)" },
	{ OPT_DURATION, 0, NULL, NULL }, /* the positional [DURATION] */
	{},
};

static const struct argp_option options[] = {
	{ "user-stacks-only", 'U', NULL, 0, "Show user stacks only (no kernel stacks)", 0 },
	{ "kernel-stacks-only", 'K', NULL, 0, "Show kernel stacks only (no user stacks)", 0 },
	{ "frequency", 'F', "HZ", 0, "Sample this many times a second per CPU (default 49)", 0 },
	{ "count", 'c', "N", 0, "Sample once every N nanoseconds of CPU clock", 0 },
	{ "delimited", 'd', NULL, 0, "Put a delimiter between kernel and user stacks", 0 },
	{ "annotations", 'a', NULL, 0, "Add _[k] to kernel frame names", 0 },
	{ "include-idle", 'I', NULL, 0, "Include stacks of idle CPUs", 0 },
	{ "folded", 'f', NULL, 0, "Print folded stacks (flame graph input)", 0 },
	{ "stack-storage-size", OPT_STACK_STORAGE, "N", 0,
	  "Distinct stacks the kernel can hold (default 16384, at most 1048576)", 0 },
	{ "hash-storage-size", OPT_HASH_STORAGE, "N", 0,
	  "Distinct (process, stack) pairs counted (default 40960)", 0 },
	{ "cpu", 'C', "CPU", 0, "Sample this CPU only", 0 },
	{},
};

static const char doc[] =
	"Profile CPU usage by sampling stack traces at a timed interval.\v"
	"DURATION is in seconds; without it profile runs until Ctrl-C.\n\n"
	"Examples:\n"
	"  profile              # all CPUs, user and kernel stacks, until Ctrl-C\n"
	"  profile 5            # for 5 seconds\n"
	"  profile -F 99 5      # at 99 Hertz\n"
	"  profile -c 1000000   # once every millisecond of CPU time\n"
	"  profile -p 185       # process 185 only\n"
	"  profile -L 185       # thread 185 only\n"
	"  profile -U           # user stacks only\n"
	"  profile -K           # kernel stacks only\n"
	"  profile -df 5        # folded, for flame graphs, with a kernel/user delimiter\n"
	"  profile --json 5     # one JSON object per stack";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	switch (key) {
	case 'U':
		opts.user_only = true;
		break;
	case 'K':
		opts.kernel_only = true;
		break;
	case 'F':
		opts.clock.freq = cli_parse_long("-F", arg, 1, INT_MAX);
		break;
	case 'c':
		opts.clock.period = cli_parse_long("-c", arg, 1, LONG_MAX);
		break;
	case 'd':
		opts.delimited = true;
		break;
	case 'a':
		opts.annotate = true;
		break;
	case 'I':
		opts.include_idle = true;
		break;
	case 'f':
		opts.folded = true;
		break;
	case OPT_STACK_STORAGE:
		opts.stack_storage =
			cli_parse_long("--stack-storage-size", arg, 1, STACK_STORAGE_MAX);
		break;
	case OPT_HASH_STORAGE:
		opts.hash_storage = cli_parse_long("--hash-storage-size", arg, 1, 1 << 22);
		break;
	case 'C':
		opts.clock.cpu = cli_parse_long("-C", arg, 0, CPU_SAMPLER_MAX_CPUS - 1);
		break;
	case ARGP_KEY_END:
		if (opts.clock.freq && opts.clock.period)
			cli_usage_error("-F and -c are exclusive: sample by rate or by period");
		if (opts.user_only && opts.kernel_only)
			cli_usage_error("-U and -K are exclusive");
		if (gopts.npids && gopts.ntids)
			cli_usage_error("-p and -L are exclusive");
		if (!opts.clock.freq && !opts.clock.period)
			opts.clock.freq = 49;
		cpu_clock_check(&opts.clock);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static void print_header(void)
{
	char what[64];

	if (opts.clock.freq)
		snprintf(what, sizeof(what), "%llu Hertz", opts.clock.freq);
	else
		snprintf(what, sizeof(what), "every %llu ns of CPU clock", opts.clock.period);
	printf("Sampling at %s of ", what);
	if (gopts.npids || gopts.ntids) {
		printf("%s ", gopts.npids ? "PID" : "TID");
		for (int i = 0; i < gopts.npids + gopts.ntids; i++)
			printf("%s%d", i ? "," : "", gopts.npids ? gopts.pids[i] : gopts.tids[i]);
	} else {
		printf("all threads");
	}
	if (opts.user_only)
		printf(" by user stack");
	else if (opts.kernel_only)
		printf(" by kernel stack");
	else
		printf(" by user + kernel stack");
	if (opts.clock.cpu >= 0)
		printf(" on CPU#%d", opts.clock.cpu);
	if (gopts.duration)
		printf(" for %d secs.\n", gopts.duration);
	else
		printf("... Hit Ctrl-C to end.\n");
}

/* What the callbacks share: the object, the stacks named so far, the samplers. */
static struct run {
	struct profile_bpf *skel;
	struct stacks *stacks;
	struct cpu_sampler *sampler;
	struct stack_show show;
} run;

/* Map sizes and filters, between open and load. */
static int configure(struct profile_bpf *skel)
{
	skel->rodata->kernel_stacks = !opts.user_only;
	skel->rodata->user_stacks = !opts.kernel_only;
	skel->rodata->include_idle = opts.include_idle;
	if (stacks_size_map(skel->maps.profile_stacks, opts.stack_storage) ||
	    bpf_map__set_max_entries(skel->maps.profile_counts, opts.hash_storage)) {
		cli_warn("cannot size BPF maps");
		return -1;
	}
	return 0;
}

static int after_load(void *ctx)
{
	struct run *r = ctx;

	r->stacks = stacks_new(bpf_map__fd(r->skel->maps.profile_stacks), &r->show);
	if (!r->stacks)
		cli_warn("out of memory");
	return r->stacks ? 0 : -1;
}

static int on_new_stack(void *ctx, const void *data, size_t size)
{
	return stacks_on_new(((struct run *)ctx)->stacks, data, size);
}

static int attach_samplers(void *ctx)
{
	struct run *r = ctx;

	r->sampler = cpu_sampler_attach(r->skel->progs.profile_sample, &opts.clock);
	return r->sampler ? 0 : -1;
}

/* Stop sampling first: the counts stay still and naming them is not profiled. */
static void stop_samplers(void *ctx)
{
	cpu_sampler_stop(((struct run *)ctx)->sampler);
}

static int print_counts(void *ctx)
{
	struct run *r = ctx;

	if (r->show.format == STACK_MULTILINE)
		putchar('\n');
	stacks_print_counts(r->stacks, bpf_map__fd(r->skel->maps.profile_counts));
	return 0;
}

static struct stack_show stack_show(void)
{
	struct stack_show show = {
		.kernel = !opts.user_only,
		.user = !opts.kernel_only,
		.delimited = opts.delimited,
		.annotate = opts.annotate,
		.format = opts.folded ? STACK_FOLDED : STACK_MULTILINE,
	};

	if (common_opts.json)
		show.format = STACK_JSON;
	return show;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	run.show = stack_show();
	run.skel = TOOL_OPEN(profile_bpf);
	if (run.skel && !configure(run.skel))
		err = tool_run_events(&(struct tool_events){
			.skel = run.skel->skeleton,
			.on_event = on_new_stack,
			.ctx = &run,
			.print_header = run.show.format == STACK_MULTILINE ? print_header : NULL,
			.print_summary = print_counts,
			.after_load = after_load,
			.attach = attach_samplers,
			.stop = stop_samplers,
			.ring_bytes = 256 * 1024, /* events are small and few: one per new stack */
		});
	cpu_sampler_free(run.sampler);
	stacks_free(run.stacks);
	profile_bpf__destroy(run.skel);
	return err;
}

// SPDX-License-Identifier: GPL-2.0
/* profile: sample on-CPU stacks at a timed interval and count them. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tool.h"
#include "events.h"
#include "output.h"
#include "stacks.h"
#include "profile.h"
#include "profile.skel.h"

#define MAX_IDS 1024

static struct opts {
	pid_t *pids;
	int npids;
	pid_t *tids;
	int ntids;
	bool user_only;
	bool kernel_only;
	bool folded;
	bool delimited;
	bool annotate;
	bool include_idle;
	struct cpu_clock clock;
	long stack_storage;
	long hash_storage;
	int duration; /* seconds; 0: until a signal */
	int nposargs;
} opts = {
	.clock.cpu = -1,
	.stack_storage = STACK_STORAGE_DEFAULT,
	.hash_storage = STACK_COUNTS_DEFAULT,
};

enum { OPT_STACK_STORAGE = 0x100, OPT_HASH_STORAGE };

static const struct argp_option options[] = {
	{ "pid", 'p', "PID", 0, "Profile these processes only (comma separated)", 0 },
	{ "tid", 'L', "TID", 0, "Profile these threads only (comma separated)", 0 },
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

/* "1,2,3" -> ids, each checked by parse (which exits on a bad one). */
static void parse_id_list(const char *opt, char *arg, pid_t (*parse)(const char *, const char *),
			  pid_t **ids, int *n)
{
	char *tok, *save = NULL;

	for (tok = strtok_r(arg, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (*n >= MAX_IDS)
			cli_usage_error("too many ids for %s (at most %d)", opt, MAX_IDS);
		*ids = realloc(*ids, (*n + 1) * sizeof(**ids));
		if (!*ids)
			cli_die("out of memory");
		(*ids)[(*n)++] = parse(opt, tok);
	}
	if (!*n)
		cli_usage_error("invalid value '%s' for %s: no id given", arg, opt);
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	switch (key) {
	case 'p':
		parse_id_list("-p", arg, cli_parse_pid, &opts.pids, &opts.npids);
		break;
	case 'L':
		parse_id_list("-L", arg, cli_parse_tid, &opts.tids, &opts.ntids);
		break;
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
	case ARGP_KEY_ARG:
		if (opts.nposargs++)
			cli_usage_error("unexpected argument '%s'", arg);
		opts.duration = cli_parse_long("duration", arg, 1, INT_MAX);
		break;
	case ARGP_KEY_END:
		if (opts.clock.freq && opts.clock.period)
			cli_usage_error("-F and -c are exclusive: sample by rate or by period");
		if (opts.user_only && opts.kernel_only)
			cli_usage_error("-U and -K are exclusive");
		if (opts.npids && opts.ntids)
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
	if (opts.npids || opts.ntids) {
		printf("%s ", opts.npids ? "PID" : "TID");
		for (int i = 0; i < opts.npids + opts.ntids; i++)
			printf("%s%d", i ? "," : "", opts.npids ? opts.pids[i] : opts.tids[i]);
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
	if (opts.duration)
		printf(" for %d secs.\n", opts.duration);
	else
		printf("... Hit Ctrl-C to end.\n");
}

/* ---------------------------------------------------------------- setup */

static int fill_id_map(struct bpf_map *map, const pid_t *ids, int n)
{
	__u8 one = 1;

	for (int i = 0; i < n; i++) {
		__u32 id = ids[i];

		if (bpf_map__update_elem(map, &id, sizeof(id), &one, sizeof(one), BPF_ANY))
			return -1;
	}
	return 0;
}

/* Map sizes and filters, between open and load. */
static int configure(struct profile_bpf *skel)
{
	skel->rodata->kernel_stacks = !opts.user_only;
	skel->rodata->user_stacks = !opts.kernel_only;
	skel->rodata->include_idle = opts.include_idle;
	skel->rodata->filter_pids = opts.npids > 0;
	skel->rodata->filter_tids = opts.ntids > 0;
	skel->rodata->self_pid = getpid();
	if (events_configure(skel->obj)) {
		cli_warn("cannot set up the event buffer");
		return -1;
	}
	/* Events are small and few: one per new stack. */
	if (bpf_map__type(skel->maps.events) == BPF_MAP_TYPE_RINGBUF)
		bpf_map__set_max_entries(skel->maps.events, 256 * 1024);
	if (stacks_size_map(skel->maps.profile_stacks, opts.stack_storage) ||
	    bpf_map__set_max_entries(skel->maps.profile_counts, opts.hash_storage) ||
	    bpf_map__set_max_entries(skel->maps.profile_pids, opts.npids ? opts.npids : 1) ||
	    bpf_map__set_max_entries(skel->maps.profile_tids, opts.ntids ? opts.ntids : 1)) {
		cli_warn("cannot size BPF maps");
		return -1;
	}
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
	static const struct argp argp = { options, parse_opt, "[DURATION]", doc, NULL, NULL, NULL };
	struct cpu_sampler *sampler = NULL;
	struct profile_bpf *skel = NULL;
	struct stacks *stacks = NULL;
	struct events *ev = NULL;
	struct stack_show show;
	int err = 1;

	cli_parse(&argp, argc, argv, NULL);
	tool_setup();
	show = stack_show();

	skel = TOOL_OPEN(profile_bpf);
	if (!skel) {
		cli_warn("cannot open BPF object");
		goto cleanup;
	}
	if (configure(skel))
		goto cleanup;
	/* A signal during start-up stops it before and after the slow step: creating the maps. */
	if (tool_exiting)
		goto done;
	if (tool_load(skel->skeleton))
		goto cleanup;
	if (tool_exiting)
		goto done;
	if (fill_id_map(skel->maps.profile_pids, opts.pids, opts.npids) ||
	    fill_id_map(skel->maps.profile_tids, opts.tids, opts.ntids)) {
		cli_warn("cannot set the pid/tid filter");
		goto cleanup;
	}
	stacks = stacks_new(bpf_map__fd(skel->maps.profile_stacks), &show);
	if (!stacks) {
		cli_warn("out of memory");
		goto cleanup;
	}
	ev = events_open(skel->obj, stacks_on_new, stacks);
	if (!ev)
		goto cleanup;
	sampler = cpu_sampler_attach(skel->progs.profile_sample, &opts.clock);
	if (!sampler)
		goto cleanup;

	if (show.format == STACK_MULTILINE)
		print_header();
	tool_ready();
	if (events_loop(ev, opts.duration ? mono_ns() + opts.duration * 1000000000ULL : 0))
		goto cleanup;

	/* Stop sampling first: the counts stay still and naming them is not profiled. */
	cpu_sampler_stop(sampler);
	events_poll(ev, 0);
	if (show.format == STACK_MULTILINE)
		putchar('\n');
	stacks_print_counts(stacks, bpf_map__fd(skel->maps.profile_counts),
			    skel->bss->samples_dropped);
done:
	err = 0;
cleanup:
	cpu_sampler_free(sampler);
	events_free(ev);
	stacks_free(stacks);
	profile_bpf__destroy(skel);
	free(opts.pids);
	free(opts.tids);
	/* Output that could not be written is said and fails the run. */
	return output_finish() || err ? 1 : 0;
}

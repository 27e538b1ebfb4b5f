// SPDX-License-Identifier: GPL-2.0
/* offcputime: summarize off-CPU time by stack trace. */
#include <stdio.h>

#include "offcpu.h"
#include "tool.h"
#include "offcputime.h"
#include "offcputime.skel.h"

static const struct opt_pick picks[] = {
	{ OPT_PID, 'p', NULL, "Trace these processes only (comma separated)" },
	{ OPT_TID, 't', NULL, "Trace these threads only (comma separated)" },
	{ OPT_DURATION, 0, NULL, NULL }, /* the positional [DURATION] */
	{},
};

static const struct argp_option options[] = {
	{ "user-threads-only", 'u', NULL, 0, "User threads only (no kernel threads)", 0 },
	{ "kernel-threads-only", 'k', NULL, 0, "Kernel threads only (no user threads)", 0 },
	{ "user-stacks-only", 'U', NULL, 0, "Show stacks from user space only (no kernel stacks)",
	  0 },
	{ "kernel-stacks-only", 'K', NULL, 0, "Show stacks from kernel space only (no user stacks)",
	  0 },
	{ "delimited", 'd', NULL, 0, "Put a delimiter between kernel and user stacks", 0 },
	{ "folded", 'f', NULL, 0, "Print folded stacks (flame graph input)", 0 },
	{ "min-block-time", 'm', "MIN-BLOCK-TIME", 0,
	  "Count only times off-CPU of at least this many microseconds (default 1)", 0 },
	{ "max-block-time", 'M', "MAX-BLOCK-TIME", 0,
	  "Count only times off-CPU of at most this many microseconds (default U64_MAX)", 0 },
	{ "state", OFFCPU_OPT_STATE, "STATE", 0,
	  "Threads leaving the CPU in this state only: 0 runnable (preempted), else any of "
	  "these bits (1 TASK_INTERRUPTIBLE, 2 TASK_UNINTERRUPTIBLE; include/linux/sched.h)",
	  0 },
	{ "perf-max-stack-depth", OFFCPU_OPT_MAX_DEPTH, "PERF-MAX-STACK-DEPTH", 0,
	  "Frames kept of each stack (default and most: kernel.perf_event_max_stack, 127)", 0 },
	{ "stack-storage-size", OFFCPU_OPT_STACK_STORAGE, "STACK-STORAGE-SIZE", 0,
	  "Distinct stacks the kernel can hold (default 16384, at most 1048576)", 0 },
	{},
};

static const char doc[] =
	"Summarize off-CPU time by stack trace: how long threads waited, blocked or "
	"preempted, by the stacks they left the CPU with.\v"
	"DURATION is in seconds; without it offcputime runs until Ctrl-C.  Times are "
	"in microseconds.  User stacks are walked by frame pointers: code built "
	"without them shows few user frames.\n\n"
	"Examples:\n"
	"  offcputime             # off-CPU time by stack until Ctrl-C\n"
	"  offcputime 5           # for 5 seconds only\n"
	"  offcputime -f 5        # 5 seconds, folded (flame graph input)\n"
	"  offcputime -m 1000     # only times off-CPU of 1000 us or more\n"
	"  offcputime -M 10000    # only times off-CPU of 10000 us or less\n"
	"  offcputime -p 185      # only threads of process 185\n"
	"  offcputime -t 188      # only thread 188\n"
	"  offcputime -u          # only user threads (no kernel threads)\n"
	"  offcputime -k          # only kernel threads (no user threads)\n"
	"  offcputime -U          # only user stacks (no kernel stacks)\n"
	"  offcputime -K          # only kernel stacks (no user stacks)\n"
	"  offcputime --state 2   # only threads in uninterruptible sleep\n"
	"  offcputime --json 5    # one JSON object per stack";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	if (key == ARGP_KEY_END) {
		offcpu_check_opts();
		return 0;
	}
	return offcpu_parse_opt(key, arg);
}

static void print_header(void)
{
	printf("Tracing off-CPU time (us) of %s by %s stack%s\n", offcpu_threads_desc(),
	       offcpu_stacks_desc(), offcpu_until_desc());
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct offcputime_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(offcputime_bpf);
	if (skel)
		err = offcpu_run(&(struct offcpu_tool){
			.skel = skel->skeleton,
			.print_header = print_header,
		});
	offcputime_bpf__destroy(skel);
	return err;
}

// SPDX-License-Identifier: GPL-2.0
/* offwaketime: summarize blocked time by the off-CPU stack and the waker's stack. */
#include <stdio.h>

#include "offcpu.h"
#include "tool.h"
#include "offwaketime.h"
#include "offwaketime.skel.h"

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
	{ "perf-max-stack-depth", OFFCPU_OPT_MAX_DEPTH, "PERF-MAX-STACK-DEPTH", 0,
	  "Frames kept of each stack (default and most: kernel.perf_event_max_stack, 127)", 0 },
	{ "stack-storage-size", OFFCPU_OPT_STACK_STORAGE, "STACK-STORAGE-SIZE", 0,
	  "Distinct stacks the kernel can hold (default 16384, at most 1048576)", 0 },
	{},
};

static const char doc[] =
	"Summarize blocked time by the stack a thread left the CPU with and the stack of "
	"the task that woke it.\v"
	"DURATION is in seconds; without it offwaketime runs until Ctrl-C.  Times are in "
	"microseconds, from leaving the CPU to running again; -p, -t, -u and -k choose the "
	"blocked threads, not the wakers.  A thread that was preempted, not woken, has "
	"the waker [unknown].  User stacks are walked by frame pointers: code built "
	"without them shows few user frames.\n\n"
	"Examples:\n"
	"  offwaketime            # off-CPU and waker stacks until Ctrl-C\n"
	"  offwaketime 5          # for 5 seconds only\n"
	"  offwaketime -f 5       # 5 seconds, folded (flame graph input)\n"
	"  offwaketime -m 1000    # only times off-CPU of 1000 us or more\n"
	"  offwaketime -p 185     # only threads of process 185 blocking\n"
	"  offwaketime -t 188     # only thread 188 blocking\n"
	"  offwaketime -u         # only user threads (no kernel threads)\n"
	"  offwaketime -k         # only kernel threads (no user threads)\n"
	"  offwaketime -U         # only user stacks (no kernel stacks)\n"
	"  offwaketime -K         # only kernel stacks (no user stacks)\n"
	"  offwaketime --json 5   # one JSON object per pair of stacks";

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
	printf("Tracing blocked time (us) by %s off-CPU and waker stack%s\n", offcpu_stacks_desc(),
	       offcpu_until_desc());
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct offwaketime_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(offwaketime_bpf);
	if (skel)
		err = offcpu_run(&(struct offcpu_tool){
			.skel = skel->skeleton,
			.pairs = true,
			.layout = WAKE_CHAIN,
			.print_header = print_header,
		});
	offwaketime_bpf__destroy(skel);
	return err;
}

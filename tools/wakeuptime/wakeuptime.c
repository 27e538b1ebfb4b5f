// SPDX-License-Identifier: GPL-2.0
/* wakeuptime: summarize time blocked by the kernel stack of the waker. */
#include <stdio.h>

#include "offcpu.h"
#include "tool.h"
#include "wakeuptime.h"
#include "wakeuptime.skel.h"

static const struct opt_pick picks[] = {
	{ OPT_PID, 'p', NULL, "Trace these processes only (comma separated)" },
	{ OPT_TID, 't', NULL, "Trace these threads only (comma separated)" },
	{ OPT_DURATION, 0, NULL, NULL }, /* the positional [DURATION] */
	{},
};

static const struct argp_option options[] = {
	{ "user-threads-only", 'u', NULL, 0, "User threads only (no kernel threads)", 0 },
	{ "folded", 'f', NULL, 0, "Print folded stacks (flame graph input)", 0 },
	{ "min-block-time", 'm', "MIN-BLOCK-TIME", 0,
	  "Count only sleeps of at least this many microseconds (default 1)", 0 },
	{ "max-block-time", 'M', "MAX-BLOCK-TIME", 0,
	  "Count only sleeps of at most this many microseconds (default U64_MAX)", 0 },
	{ "perf-max-stack-depth", OFFCPU_OPT_MAX_DEPTH, "PERF-MAX-STACK-DEPTH", 0,
	  "Frames kept of each stack (default and most: kernel.perf_event_max_stack, 127)", 0 },
	{ "stack-storage-size", OFFCPU_OPT_STACK_STORAGE, "STACK-STORAGE-SIZE", 0,
	  "Distinct stacks the kernel can hold (default 16384, at most 1048576)", 0 },
	{},
};

static const char doc[] =
	"Summarize sleep to wakeup time by waker kernel stack: how long threads slept, "
	"by who woke them and from where in the kernel.\v"
	"DURATION is in seconds; without it wakeuptime runs until Ctrl-C.  Times are in "
	"microseconds, from going to sleep to being woken; -p, -t and -u choose the "
	"sleepers, not the wakers.\n\n"
	"Examples:\n"
	"  wakeuptime             # blocked time by waker stack until Ctrl-C\n"
	"  wakeuptime 5           # for 5 seconds only\n"
	"  wakeuptime -f 5        # 5 seconds, folded (flame graph input)\n"
	"  wakeuptime -u          # only user threads sleeping (no kernel threads)\n"
	"  wakeuptime -p 185      # only threads of process 185 sleeping\n"
	"  wakeuptime -m 1000     # only sleeps of 1000 us or more\n"
	"  wakeuptime --json 5    # one JSON object per waker stack";

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
	printf("Tracing blocked time (us) by kernel stack%s\n", offcpu_until_desc());
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct wakeuptime_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(wakeuptime_bpf);
	if (skel)
		err = offcpu_run(&(struct offcpu_tool){
			.skel = skel->skeleton,
			.pairs = true,
			.layout = WAKE_BY_WAKER,
			.blocked_only = true,
			.no_user_stacks = true,
			.print_header = print_header,
		});
	wakeuptime_bpf__destroy(skel);
	return err;
}

// SPDX-License-Identifier: GPL-2.0
/* futexctn: summarize futex contention (FUTEX_WAIT time) per lock and user stack. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "hist.h"
#include "output.h"
#include "probe.h"
#include "stacks.h"
#include "syscalls.h"
#include "tool.h"
#include "futexctn.h"
#include "futexctn.skel.h"

static struct {
	bool msecs;
	bool summary;
	unsigned long long lock;
	long stack_storage;
} opts = { .stack_storage = STACKS_ROOM };

enum { OPT_MAX_DEPTH = 0x100, OPT_STACK_STORAGE };

static const struct opt_pick picks[] = {
	{ OPT_PID, 'p', NULL, "Trace this PID only" },
	{ OPT_TID, 't', NULL, "Trace this TID only" },
	{ OPT_TIME, 'T', "timestamp", "Include timestamp on output" },
	{ OPT_INTERVAL, 0, NULL, NULL },
	{},
};

static const struct argp_option options[] = {
	{ "lock", 'l', "LOCK", 0, "Trace this lock (futex word address, hex) only", 0 },
	{ "milliseconds", 'm', NULL, 0, "Millisecond histogram", 0 },
	{ "summary", 's', NULL, 0, "Summary per process and lock, without stack traces", 0 },
	{ "perf-max-stack-depth", OPT_MAX_DEPTH, "DEPTH", 0,
	  "Ignored: stacks are as deep as kernel.perf_event_max_stack", 0 },
	{ "stack-storage-size", OPT_STACK_STORAGE, "N", 0,
	  "Distinct stacks the kernel can hold (default 1024)", 0 },
	{},
};

static const char doc[] =
	"Summarize futex contention latency as a histogram: the time threads wait in "
	"futex(FUTEX_WAIT) on a lock word, per thread, lock and user stack.\v"
	"Without INTERVAL, the histograms are printed at Ctrl-C.  User stacks need frame "
	"pointers in the traced code (glibc itself has none: its frames may be skipped).\n\n"
	"Examples:\n"
	"  futexctn              # summarize futex contention latency as a histogram\n"
	"  futexctn 1 10         # print 1 second summaries, 10 times\n"
	"  futexctn -mT 1        # 1s summaries, milliseconds, and timestamps\n"
	"  futexctn -s 1         # 1s summaries, without stack traces\n"
	"  futexctn -l 0x8187bb8 # only trace lock 0x8187bb8\n"
	"  futexctn -p 123       # only trace threads for PID 123\n"
	"  futexctn -t 125       # only trace thread 125\n"
	"  futexctn --json 5     # one JSON object every 5 seconds";

static unsigned long long parse_lock(const char *arg)
{
	const char *hex = strncasecmp(arg, "0x", 2) ? arg : arg + 2;
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(hex, &end, 16);
	if (!*hex || *end || errno || !v || !strchr("0123456789abcdefABCDEF", *hex))
		cli_bad_value("-l", arg, "not a nonzero hexadecimal address");
	return v;
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	switch (key) {
	case 'l':
		opts.lock = parse_lock(arg);
		return 0;
	case 'm':
		opts.msecs = true;
		return 0;
	case 's':
		opts.summary = true;
		return 0;
	case OPT_MAX_DEPTH:
		cli_parse_long("--perf-max-stack-depth", arg, 1, STACK_MAX_DEPTH);
		return 0;
	case OPT_STACK_STORAGE:
		opts.stack_storage =
			cli_parse_long("--stack-storage-size", arg, 1, STACK_STORAGE_MAX);
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

/* A drained histogram: the map's key, then its value. */
struct rec {
	struct ctn_key key;
	struct ctn_hist val;
};

static struct stacks *stacks;

static unsigned long long in_unit(__u64 ns)
{
	return ns / (opts.msecs ? 1000000 : 1000);
}

/* "comm[tid] lock 0x... contended N times, AVG avg usecs [max: X usecs, min Y usecs]" */
static void text_label(FILE *f, const void *p)
{
	const struct rec *r = p;
	const char *unit = opts.msecs ? "msecs" : "usecs";

	print_escaped(f, r->key.stack.comm, sizeof(r->key.stack.comm));
	fprintf(f,
		"[%u] lock %#llx contended %llu times, %llu avg %s [max: %llu %s, min %llu %s]\n",
		r->key.tid, (unsigned long long)r->key.uaddr, (unsigned long long)r->val.count,
		in_unit(r->val.total_ns / (r->val.count ? r->val.count : 1)), unit,
		in_unit(r->val.max_ns), unit, in_unit(r->val.min_ns), unit);
	if (opts.summary)
		return;
	puts("    -");
	stacks_print_key(stacks, &r->key.stack);
	puts("    -");
}

static void json_label(struct json *j, const void *p)
{
	const struct rec *r = p;
	char lock[32];

	json_strn(j, "comm", r->key.stack.comm, sizeof(r->key.stack.comm));
	json_uint(j, "pid", r->key.stack.pid);
	if (!opts.summary)
		json_uint(j, "tid", r->key.tid);
	snprintf(lock, sizeof(lock), "%#llx", (unsigned long long)r->key.uaddr);
	json_str(j, "lock", lock);
	json_uint(j, "contended", r->val.count);
	json_uint(j, "avg", in_unit(r->val.total_ns / (r->val.count ? r->val.count : 1)));
	json_uint(j, "max", in_unit(r->val.max_ns));
	json_uint(j, "min", in_unit(r->val.min_ns));
	if (!opts.summary)
		stacks_json_key(stacks, j, &r->key.stack);
}

static struct hist_source source = { .all_fd = -1, .max = MAX_HISTS };
static struct hist_sections sections = {
	.rec_size = sizeof(struct rec),
	.slots_off = offsetof(struct rec, val.slots),
	.nslots = MAX_SLOTS,
	.text_label = text_label,
	.json_label = json_label,
};

static int after_load(void *ctx)
{
	struct futexctn_bpf *skel = ctx;

	stacks = stacks_new(bpf_map__fd(skel->maps.stacks),
			    &(struct stack_show){ .user = true, .format = STACK_MULTILINE });
	if (!stacks)
		cli_warn("out of memory");
	return stacks ? 0 : -1;
}

/* A new (thread, lock, stack): its user stack is named now, while its process runs. */
static int on_new_stack(void *ctx, const void *data, size_t size)
{
	(void)ctx;
	return stacks_on_new(stacks, data, size);
}

static int print_interval(void *ctx)
{
	struct futexctn_bpf *skel = ctx;
	char hms[16];

	if (!common_opts.json) {
		putchar('\n');
		if (gopts.time)
			printf("%-8s\n", time_hms(hms, sizeof(hms)));
	}
	source.keyed_fd = bpf_map__fd(skel->maps.hists);
	return hist_print_interval(&source, &sections);
}

static int configure(struct futexctn_bpf *skel)
{
	const struct syscall_pair tp = { skel->progs.futex_enter, skel->progs.futex_exit };
	const struct syscall_pair raw = { skel->progs.sys_enter_raw, skel->progs.sys_exit_raw };

	skel->rodata->filter_lock = opts.lock;
	skel->rodata->summary = opts.summary;
	skel->rodata->in_msecs = opts.msecs;
	bpf_map__set_max_entries(skel->maps.start, probe_threads_room(1, START_ROOM));
	if (stacks_size_map(skel->maps.stacks, opts.summary ? 1 : opts.stack_storage)) {
		cli_warn("cannot size the stack map");
		return -1;
	}
	return syscall_hooks_choose(skel->obj, "futex()", &tp, 1, &raw) < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct futexctn_bpf *skel;
	struct rec *recs;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	recs = calloc(MAX_HISTS, sizeof(*recs));
	if (!recs)
		cli_die("out of memory");
	sections.recs = recs;
	sections.unit = opts.msecs ? "msecs" : "usecs";
	skel = TOOL_OPEN(futexctn_bpf);
	if (skel && !configure(skel))
		err = tool_run_events(&(struct tool_events){
			.skel = skel->skeleton,
			.on_event = on_new_stack,
			.ctx = skel,
			.banner = "Tracing futex contention... Hit Ctrl-C to end.",
			.after_load = after_load,
			.print_interval = print_interval,
			.ring_bytes = 64 * 1024, /* one small event per new stack */
		});
	stacks_free(stacks);
	futexctn_bpf__destroy(skel);
	free(recs);
	return err;
}

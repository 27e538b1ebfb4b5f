// SPDX-License-Identifier: GPL-2.0
/* The user side the off-CPU tools share; see include/offcpu.h. */
#include <limits.h>
#include <stdio.h>
#include <bpf/libbpf.h>

#include "offcpu.h"
#include "output.h"
#include "probe.h"
#include "tool.h"

#define START_ENTRIES_MIN 10240 /* OFFCPU_START_MIN of bpf/offcpu.bpf.h */

struct offcpu_opts offcpu_opts = {
	.state = -1,
	.min_us = 1,
	.max_us = ~0ULL,
	.stack_storage = STACK_STORAGE_DEFAULT,
};

static unsigned long long parse_us(const char *opt, const char *arg)
{
	unsigned long long v = cli_parse_ull(opt, arg);

	if (!v)
		cli_bad_value(opt, arg, "must be at least 1");
	return v;
}

error_t offcpu_parse_opt(int key, char *arg)
{
	struct offcpu_opts *o = &offcpu_opts;

	switch (key) {
	case OFFCPU_OPT_USER_THREADS:
		o->user_threads = true;
		break;
	case OFFCPU_OPT_KERNEL_THREADS:
		o->kernel_threads = true;
		break;
	case OFFCPU_OPT_USER_STACKS:
		o->user_stacks_only = true;
		break;
	case OFFCPU_OPT_KERNEL_STACKS:
		o->kernel_stacks_only = true;
		break;
	case OFFCPU_OPT_DELIMITED:
		o->delimited = true;
		break;
	case OFFCPU_OPT_FOLDED:
		o->folded = true;
		break;
	case OFFCPU_OPT_MIN:
		o->min_us = parse_us("-m", arg);
		break;
	case OFFCPU_OPT_MAX:
		o->max_us = parse_us("-M", arg);
		break;
	case OFFCPU_OPT_STATE:
		o->state = cli_parse_long("--state", arg, 0, INT_MAX);
		break;
	case OFFCPU_OPT_STACK_STORAGE:
		o->stack_storage =
			cli_parse_long("--stack-storage-size", arg, 1, STACK_STORAGE_MAX);
		break;
	case OFFCPU_OPT_MAX_DEPTH:
		o->max_depth = cli_parse_long("--perf-max-stack-depth", arg, 1, STACK_MAX_DEPTH);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

void offcpu_check_opts(void)
{
	const struct offcpu_opts *o = &offcpu_opts;

	if ((gopts.npids > 0) + (gopts.ntids > 0) + o->user_threads + o->kernel_threads > 1)
		cli_usage_error("-p, -t, -u and -k are exclusive: pick one set of threads");
	if (o->user_stacks_only && o->kernel_stacks_only)
		cli_usage_error("-U and -K are exclusive");
	if (o->kernel_threads && o->user_stacks_only)
		cli_usage_error("-k with -U: kernel threads have no user stacks");
	if (o->min_us > o->max_us)
		cli_usage_error("-m %llu is above -M %llu: nothing would be counted", o->min_us,
				o->max_us);
}

static void ids_desc(char *buf, size_t size, const char *what, const pid_t *ids, int n)
{
	int len = snprintf(buf, size, "%s ", what);

	for (int i = 0; i < n && len > 0 && (size_t)len < size; i++)
		len += snprintf(buf + len, size - len, "%s%d", i ? "," : "", ids[i]);
}

const char *offcpu_threads_desc(void)
{
	static char buf[256];

	if (gopts.npids)
		ids_desc(buf, sizeof(buf), "PID", gopts.pids, gopts.npids);
	else if (gopts.ntids)
		ids_desc(buf, sizeof(buf), "TID", gopts.tids, gopts.ntids);
	else
		return offcpu_opts.user_threads	    ? "user threads"
		       : offcpu_opts.kernel_threads ? "kernel threads"
						    : "all threads";
	return buf;
}

const char *offcpu_stacks_desc(void)
{
	if (offcpu_opts.user_stacks_only)
		return "user";
	return offcpu_opts.kernel_stacks_only ? "kernel" : "user + kernel";
}

const char *offcpu_until_desc(void)
{
	static char buf[64];

	if (!gopts.duration)
		return "... Hit Ctrl-C to end.";
	snprintf(buf, sizeof(buf), " for %d secs.", gopts.duration);
	return buf;
}

/* What the callbacks share. */
struct run {
	const struct offcpu_tool *tool;
	struct bpf_object *obj;
	struct stack_show show;
	struct stacks *stacks;
};

static struct bpf_map *map_named(struct bpf_object *obj, const char *name)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, name);

	if (!map)
		cli_die("the BPF object has no map %s", name);
	return map;
}

static int set(struct bpf_object *obj, const char *name, const void *val, size_t size)
{
	return obj_set_rodata(obj, name, val, size);
}

/* Filters, stacks recorded, map sizes, hooks: between open and load. */
static int configure(const struct offcpu_tool *t, struct bpf_object *obj)
{
	const struct offcpu_opts *o = &offcpu_opts;
	bool kernel = !o->user_stacks_only, user = !o->kernel_stacks_only && !t->no_user_stacks;
	struct bpf_map *stacks = map_named(obj, "offcpu_stacks");
	const char *optional[] = { "sched_process_free", NULL };
	long depth;

	if (set(obj, "user_threads_only", &o->user_threads, sizeof(bool)) ||
	    set(obj, "kernel_threads_only", &o->kernel_threads, sizeof(bool)) ||
	    set(obj, "state_filter", &o->state, sizeof(long)) ||
	    set(obj, "blocked_only", &t->blocked_only, sizeof(bool)) ||
	    set(obj, "min_us", &o->min_us, sizeof(o->min_us)) ||
	    set(obj, "max_us", &o->max_us, sizeof(o->max_us)) ||
	    set(obj, "kernel_stacks", &kernel, sizeof(bool)) ||
	    set(obj, "user_stacks", &user, sizeof(bool)))
		return -1;
	if (stacks_size_map(stacks, o->stack_storage))
		goto size;
	/* --perf-max-stack-depth: fewer frames than the kernel's limit. */
	depth = bpf_map__value_size(stacks) / sizeof(__u64);
	if (o->max_depth && o->max_depth < depth &&
	    bpf_map__set_value_size(stacks, o->max_depth * sizeof(__u64)))
		goto size;
	/* An entry lives as long as its thread: room for every one alive, twice over. */
	if (bpf_map__set_max_entries(map_named(obj, "offcpu_start"),
				     probe_threads_room(2, START_ENTRIES_MIN)))
		goto size;
	/* Without sched_process_free, entries of exited threads stay until the tool exits. */
	return hook_choose_each(obj, optional);
size:
	cli_warn("cannot size BPF maps");
	return -1;
}

static int after_load(void *ctx)
{
	struct run *r = ctx;

	r->stacks = stacks_new(bpf_map__fd(map_named(r->obj, "offcpu_stacks")), &r->show);
	if (!r->stacks)
		cli_warn("out of memory");
	return r->stacks ? 0 : -1;
}

static int on_new_stack(void *ctx, const void *data, size_t size)
{
	return stacks_on_new(((struct run *)ctx)->stacks, data, size);
}

/* Nothing more is counted (naming the stacks switches contexts too). */
static void stop(void *ctx)
{
	bpf_object__detach_skeleton(((struct run *)ctx)->tool->skel);
}

static int print_counts(void *ctx)
{
	struct run *r = ctx;
	int fd = bpf_map__fd(map_named(r->obj, "offcpu_counts"));

	if (r->show.format == STACK_MULTILINE)
		putchar('\n');
	if (r->tool->pairs)
		stacks_print_wake_counts(r->stacks, fd, r->tool->layout);
	else
		stacks_print_counts(r->stacks, fd);
	return 0;
}

static struct stack_show stack_show(const struct offcpu_tool *t)
{
	const struct offcpu_opts *o = &offcpu_opts;
	struct stack_show show = {
		.kernel = !o->user_stacks_only,
		.user = !o->kernel_stacks_only && !t->no_user_stacks,
		.delimited = o->delimited,
		.format = o->folded ? STACK_FOLDED : STACK_MULTILINE,
		/* Above these are the hook's frames: the BPF program and the tracepoint's. */
		.kernel_from = t->layout == WAKE_BY_WAKER ? NULL : "__schedule",
		.waker_kernel_from = "try_to_wake_up",
		.pid_name = "tid",
		.count_name = "usecs",
	};

	if (common_opts.json)
		show.format = STACK_JSON;
	return show;
}

int offcpu_run(const struct offcpu_tool *t)
{
	struct run r = { .tool = t, .obj = *t->skel->obj, .show = stack_show(t) };
	int err = 1;

	if (!configure(t, r.obj))
		err = tool_run_events(&(struct tool_events){
			.skel = t->skel,
			.on_event = on_new_stack,
			.ctx = &r,
			.print_header = r.show.format == STACK_MULTILINE ? t->print_header : NULL,
			.print_summary = print_counts,
			.after_load = after_load,
			.stop = stop,
			.ring_bytes = 256 * 1024, /* events are small and few: one per new stack */
		});
	stacks_free(r.stacks);
	return err;
}

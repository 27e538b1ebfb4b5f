// SPDX-License-Identifier: GPL-2.0
/* javagc: trace the garbage collections of JVMs and the time each took. */
#include <limits.h>
#include <stdio.h>

#include "output.h"
#include "row.h"
#include "tool.h"
#include "ulang.h"
#include "javagc.h"
#include "javagc.skel.h"

static struct {
	long min_us;
	struct usdt_links links;
} opts;

static const struct opt_pick picks[] = {
	{ OPT_PID, 'p', NULL, "Trace this PID only (or these: PID,PID...)" },
	{},
};

static const struct argp_option options[] = {
	{ "time", 't', "TIME", 0, "Only collections that took at least TIME microseconds", 0 },
	{},
};

static const char doc[] =
	"Trace the garbage collections of Java virtual machines (HotSpot's USDT probes): "
	"when each ended, and how long it took in microseconds.\v"
	"Without -p, every JVM of this machine's JDK is traced: the JDK of java on PATH, "
	"else /usr/lib/jvm/default-java, else one under /usr/lib/jvm.\n\n"
	"Examples:\n"
	"  javagc                 # every JVM of the system's JDK\n"
	"  javagc -p 185          # trace PID 185 only\n"
	"  javagc -p 185 -t 100   # only collections of 100 us or more\n"
	"  javagc --json          # one JSON object per collection";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	if (key != 't')
		return ARGP_ERR_UNKNOWN;
	opts.min_us = cli_parse_long("-t", arg, 0, LONG_MAX / 1000);
	return 0;
}

static void gc_row(struct row *r, const void *rec)
{
	const struct gc_event *e = rec;

	row_hms(r, "TIME");
	row_uint(r, "CPU", "cpu", -7, e->cpu);
	row_uint(r, "PID", "pid", -7, e->pid);
	row_uint(r, "GC TIME", "gc_us", 0, e->dur_ns / 1000);
	row_bool(r, NULL, "full", 0, e->full);
}

static int attach_jvm(struct javagc_bpf *skel, pid_t pid)
{
	struct utarget t;

	/* The process's libjvm.so (or its program: a JVM linked statically). */
	if (ulang_find_probe(&t, ulang_by_name("java"), pid, "gc__begin"))
		return -1;
	if (usdt_links_attach(&opts.links, skel->progs.gc_begin, &t, "hotspot", "gc__begin") ||
	    usdt_links_attach(&opts.links, skel->progs.gc_end, &t, "hotspot", "gc__end"))
		return -1;
	return 0;
}

static int attach(void *ctx)
{
	int i;

	if (!gopts.npids)
		return attach_jvm(ctx, -1);
	if (gopts.npids > USDT_LINKS_MAX / 2) {
		cli_warn("-p: at most %d processes", USDT_LINKS_MAX / 2);
		return -1;
	}
	for (i = 0; i < gopts.npids; i++) {
		if (attach_jvm(ctx, gopts.pids[i]))
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct javagc_bpf *skel;
	int err;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(javagc_bpf);
	if (!skel)
		return 1;
	skel->rodata->min_ns = opts.min_us * 1000;
	err = tool_run_events(&(struct tool_events){
		.skel = skel->skeleton,
		.row = gc_row,
		.rec_size = sizeof(struct gc_event),
		.rec_min = sizeof(struct gc_event),
		.ctx = skel,
		.banner = "Tracing javagc time... Hit Ctrl-C to end.",
		.attach = attach,
	});
	usdt_links_destroy(&opts.links);
	javagc_bpf__destroy(skel);
	return err;
}

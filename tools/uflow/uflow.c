// SPDX-License-Identifier: GPL-2.0
/* uflow: print the flow of method calls (entries and returns, indented) of a language runtime. */
#include <stdio.h>
#include <string.h>

#include "output.h"
#include "row.h"
#include "tool.h"
#include "ulang.h"
#include "uflow.h"
#include "uflow.skel.h"

static struct {
	const struct ulang *lang;
	pid_t pid; /* 0: every process of the runtime */
	int nargs;
	const char *method, *clazz;
	struct usdt_links links;
} opts;

static const struct opt_pick picks[] = { {} };

static const struct argp_option options[] = {
	{ "language", 'l', "LANGUAGE", 0,
	  "Language to trace: java, perl, php, python, ruby, tcl (default: the runtime the "
	  "process runs)",
	  0 },
	{ "method", 'M', "METHOD", 0, "Trace only calls to methods starting with this prefix", 0 },
	{ "class", 'C', "CLAZZ", 0, "Trace only calls to classes starting with this prefix", 0 },
	{},
};

static const char doc[] =
	"Trace the flow of method calls of a high-level language process from its "
	"runtime's USDT probes: each entry (->) and return (<-), indented by depth.\v"
	"pid: the process; without it (with -l), every process of that runtime as installed "
	"here.  Java fires its method probes only when started with "
	"-XX:+ExtendedDTraceProbes; CPython 3.11 fires function__entry only while a trace "
	"function is set (sys.settrace), so without one only returns are seen.\n\n"
	"Examples:\n"
	"  uflow -l java 185                # Java method calls of process 185\n"
	"  uflow -l ruby 134                # Ruby method calls of process 134\n"
	"  uflow -M indexOf -l java 185     # only methods whose name starts with indexOf\n"
	"  uflow -C '<stdin>' -l python 180 # only functions defined at the REPL\n"
	"  uflow --json -l python 180       # one JSON object per entry or return";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	switch (key) {
	case 'l':
		opts.lang = ulang_by_name(arg);
		if (!opts.lang)
			cli_bad_value("-l", arg, "not java, perl, php, python, ruby or tcl");
		return 0;
	case 'M':
		if (strlen(arg) >= ULANG_METHOD_LEN)
			cli_bad_value("-M", arg, "longer than the method names kept (63 bytes)");
		opts.method = arg;
		return 0;
	case 'C':
		if (strlen(arg) >= ULANG_CLASS_LEN)
			cli_bad_value("-C", arg, "longer than the class names kept (127 bytes)");
		opts.clazz = arg;
		return 0;
	case ARGP_KEY_ARG:
		if (opts.nargs++)
			cli_usage_error("unexpected argument '%s'", cli_shown(arg));
		opts.pid = cli_parse_pid("pid", arg);
		return 0;
	case ARGP_KEY_END:
		if (opts.pid) {
			gopts.pids[0] = opts.pid; /* the BPF side's process filter */
			gopts.npids = 1;
		} else if (!opts.lang) {
			cli_usage_error("without a pid, -l LANGUAGE (%s) says which processes "
					"to trace",
					ulang_names());
		}
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static void flow_row(struct row *r, const void *rec)
{
	const struct flow_event *e = rec;
	const struct ulang_name *n = &e->name;
	char text[2 * 64 + 4 + sizeof(n->clazz) + sizeof(n->method)];
	unsigned int indent = e->depth > 64 ? 63 : e->depth - 1;

	snprintf(text, sizeof(text), "%*s%s%.*s%s%.*s", (int)(2 * indent), "",
		 e->ret ? "<- " : "-> ", (int)sizeof(n->clazz), n->clazz, n->clazz[0] ? "." : "",
		 (int)sizeof(n->method), n->method);
	row_uint(r, "CPU", "cpu", -3, e->cpu);
	row_uint(r, "PID", "pid", -6, e->pid);
	row_uint(r, "TID", "tid", -6, e->tid);
	row_uint(r, "TIME(us)", "time_us", -8,
		 e->ts_ns ? (unsigned long long)(secs_since_start(e->ts_ns) * 1e6) : 0);
	row_str(r, "METHOD", NULL, 0, text, sizeof(text));
	row_uint(r, NULL, "depth", 0, e->depth);
	row_str(r, NULL, "direction", 0, e->ret ? "return" : "entry", 8);
	row_str(r, NULL, "class", 0, n->clazz, sizeof(n->clazz));
	row_str(r, NULL, "method", 0, n->method, sizeof(n->method));
}

static int attach(void *ctx)
{
	struct uflow_bpf *skel = ctx;
	struct utarget t;

	if (ulang_find(&t, opts.lang, opts.pid ? opts.pid : -1))
		return -1;
	return ulang_attach(&opts.links, opts.lang, &t, skel->progs.method_entry,
			    skel->progs.method_return);
}

static int configure(struct uflow_bpf *skel)
{
	if (!opts.lang)
		opts.lang = ulang_detect(opts.pid);
	if (!opts.lang) {
		cli_warn("process %d runs none of the runtimes known here (%s): name one with -l",
			 opts.pid, ulang_names());
		return -1;
	}
	if (ulang_set_args(skel->obj, opts.lang))
		return -1;
	if (opts.clazz) {
		memcpy((char *)skel->rodata->class_prefix, opts.clazz, strlen(opts.clazz));
		skel->rodata->class_prefix_len = strlen(opts.clazz);
	}
	if (opts.method) {
		memcpy((char *)skel->rodata->method_prefix, opts.method, strlen(opts.method));
		skel->rodata->method_prefix_len = strlen(opts.method);
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, "[pid]", doc, NULL, NULL, NULL };
	struct uflow_bpf *skel;
	char banner[160];
	size_t len;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(uflow_bpf);
	if (!skel)
		return 1;
	if (!configure(skel)) {
		if (opts.pid)
			len = snprintf(banner, sizeof(banner),
				       "Tracing method calls in %s process %d... Ctrl-C to quit.",
				       opts.lang->name, opts.pid);
		else
			len = snprintf(
				banner, sizeof(banner),
				"Tracing method calls in every %s process... Ctrl-C to quit.",
				opts.lang->name);
		if (opts.lang->hint && len < sizeof(banner))
			snprintf(banner + len, sizeof(banner) - len, "\n%s", opts.lang->hint);
		err = tool_run_events(&(struct tool_events){
			.skel = skel->skeleton,
			.row = flow_row,
			.rec_size = sizeof(struct flow_event),
			.rec_min = sizeof(struct flow_event),
			.ctx = skel,
			.banner = banner,
			.attach = attach,
		});
	}
	usdt_links_destroy(&opts.links);
	uflow_bpf__destroy(skel);
	return err;
}

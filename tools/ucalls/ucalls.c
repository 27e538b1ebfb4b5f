// SPDX-License-Identifier: GPL-2.0
/* ucalls: count (and time) the method calls of a Python, Java, Ruby, ... process. */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>

#include "hist.h"
#include "names.h"
#include "output.h"
#include "probe.h"
#include "row.h"
#include "tool.h"
#include "ulang.h"
#include "ucalls.h"
#include "ucalls.skel.h"

static struct {
	const struct ulang *lang;
	bool no_lang; /* -l none */
	pid_t pid;    /* 0: every process of the runtime */
	int nargs;
	int top;
	bool latency, syscalls, msecs;
	struct usdt_links links;
} opts;

static const struct opt_pick picks[] = { {} };

static const struct argp_option options[] = {
	{ "language", 'l', "LANGUAGE", 0,
	  "Language to trace: java, perl, php, python, ruby, tcl (none: system calls only; "
	  "default: the runtime the process runs)",
	  0 },
	{ "top", 'T', "TOP", 0, "Number of most frequent (or slowest, -L) calls to print", 0 },
	{ "latency", 'L', NULL, 0, "Record the time of each call, from entry to return", 0 },
	{ "syscalls", 'S', NULL, 0, "Count the process's system calls too (with -L: their time)",
	  0 },
	{ "milliseconds", 'm', NULL, 0, "Report times in milliseconds (default: microseconds)", 0 },
	{},
};

static const char doc[] =
	"Summarize the method calls of a high-level language process from its runtime's "
	"USDT probes: calls per method, and with -L the time spent in them; printed at "
	"Ctrl-C, or every INTERVAL seconds.\v"
	"pid: the process; without it (with -l), every process of that runtime as installed "
	"here.  Java fires its method probes only when started with "
	"-XX:+ExtendedDTraceProbes.\n\n"
	"Examples:\n"
	"  ucalls -l java 185        # Java calls of process 185, printed at Ctrl-C\n"
	"  ucalls -l python 2020 1   # Python calls, printed every second\n"
	"  ucalls -l java 185 -S     # Java calls and system calls\n"
	"  ucalls 6712 -S            # system call counts only (no runtime detected)\n"
	"  ucalls -l ruby 1344 -T 10 # the 10 most called Ruby methods\n"
	"  ucalls -l python 2020 -mL # Python calls with their time in milliseconds\n"
	"  ucalls -l python          # every python3 process\n"
	"  ucalls --json -l python 2020 1  # one JSON object per second";

static void parse_lang(const char *arg)
{
	opts.no_lang = !strcmp(arg, "none");
	opts.lang = opts.no_lang ? NULL : ulang_by_name(arg);
	if (!opts.lang && !opts.no_lang)
		cli_bad_value("-l", arg, "not java, perl, php, python, ruby, tcl or none");
}

static void parse_arg(const char *arg)
{
	if (opts.nargs == 0)
		opts.pid = cli_parse_pid("pid", arg);
	else if (opts.nargs == 1)
		gopts.interval = cli_parse_long("interval", arg, 1, INT_MAX);
	else
		cli_usage_error("unexpected argument '%s'", cli_shown(arg));
	opts.nargs++;
}

static void check_args(void)
{
	if (opts.pid) {
		gopts.pids[0] = opts.pid; /* the BPF side's process filter */
		gopts.npids = 1;
		return;
	}
	if (!opts.lang)
		cli_usage_error("without a pid, -l LANGUAGE (%s) says which processes to trace",
				ulang_names());
	if (opts.syscalls)
		cli_usage_error("-S needs a pid (syscount counts every process's system calls)");
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	switch (key) {
	case 'l':
		parse_lang(arg);
		return 0;
	case 'T':
		opts.top = cli_parse_long("-T", arg, 1, INT_MAX);
		return 0;
	case 'L':
		opts.latency = true;
		return 0;
	case 'S':
		opts.syscalls = true;
		return 0;
	case 'm':
		opts.msecs = true;
		return 0;
	case ARGP_KEY_ARG:
		parse_arg(arg);
		return 0;
	case ARGP_KEY_END:
		check_args();
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

/* A row: a method (class and name) or a system call, and its counts. */
struct entry {
	struct ulang_name name;
	struct call_stats v;
	int syscall; /* -1: a method */
};

struct method_rec {
	struct ulang_name key;
	struct call_stats v;
};

struct syscall_rec {
	__u32 nr;
	__u32 pad;
	struct call_stats v;
};

static struct entry entries[MAX_METHODS + MAX_SYSCALLS];
static struct method_rec methods[MAX_METHODS];
static struct syscall_rec sysrecs[MAX_SYSCALLS];

static const char *time_head(void)
{
	if (!opts.latency)
		return NULL;
	return opts.msecs ? "TIME (ms)" : "TIME (us)";
}

static void call_row(struct row *r, const void *rec)
{
	const struct entry *e = rec;
	const struct ulang_name *n = &e->name;
	char text[sizeof(n->clazz) + sizeof(n->method) + 1];
	const char *sys = e->syscall >= 0 ? syscall_name(e->syscall) : NULL;

	if (e->syscall >= 0)
		snprintf(text, sizeof(text), "%s", sys ? sys : "?");
	else
		snprintf(text, sizeof(text), "%.*s%s%.*s", (int)sizeof(n->clazz), n->clazz,
			 n->clazz[0] ? "." : "", (int)sizeof(n->method), n->method);
	row_str(r, "METHOD", NULL, -50, text, sizeof(text));
	if (e->syscall >= 0) {
		row_str(r, NULL, "syscall", 0, text, sizeof(text));
		row_uint(r, NULL, "nr", 0, e->syscall);
	} else {
		row_str(r, NULL, "class", 0, n->clazz, sizeof(n->clazz));
		row_str(r, NULL, "method", 0, n->method, sizeof(n->method));
	}
	row_uint(r, "# CALLS", "calls", 8, e->v.count);
	if (opts.latency)
		row_double(r, time_head(), opts.msecs ? "time_ms" : "time_us", 8, 2,
			   e->v.ns / (opts.msecs ? 1e6 : 1e3));
}

/* BCC's order: ascending, the most called (or slowest) last. */
static int cmp_entries(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	__u64 kx = opts.latency ? x->v.ns : x->v.count;
	__u64 ky = opts.latency ? y->v.ns : y->v.count;

	return kx < ky ? -1 : kx > ky;
}

/* This interval's methods and system calls (drained from the maps), as entries. */
static int read_entries(struct ucalls_bpf *skel)
{
	int i, n = 0, m, s = 0;

	m = hist_drain(bpf_map__fd(skel->maps.calls),
		       &(struct hist_records){ .recs = methods,
					       .rec_size = sizeof(methods[0]),
					       .value_off = offsetof(struct method_rec, v),
					       .max = MAX_METHODS });
	if (m >= 0 && opts.syscalls)
		s = hist_drain(bpf_map__fd(skel->maps.syscalls),
			       &(struct hist_records){ .recs = sysrecs,
						       .rec_size = sizeof(sysrecs[0]),
						       .value_off = offsetof(struct syscall_rec, v),
						       .max = MAX_SYSCALLS });
	if (m < 0 || s < 0)
		return m < 0 ? m : s;
	for (i = 0; i < m; i++)
		entries[n++] = (struct entry){ methods[i].key, methods[i].v, -1 };
	for (i = 0; i < s; i++)
		entries[n++] = (struct entry){ .v = sysrecs[i].v, .syscall = sysrecs[i].nr };
	return n;
}

static void print_json(const struct entry *first, int n)
{
	struct row r = { .mode = ROW_JSON, .f = stdout };
	char hms[16];
	int i;

	json_begin(&r.j, stdout);
	json_str(&r.j, "time", time_hms(hms, sizeof(hms)));
	json_arr_begin(&r.j, "calls");
	for (i = 0; i < n; i++) {
		json_obj_begin(&r.j, NULL);
		call_row(&r, &first[i]);
		json_obj_end(&r.j);
	}
	json_arr_end(&r.j);
	json_end(&r.j);
}

static int print_interval(void *ctx)
{
	int i, n = read_entries(ctx), skip = 0;

	if (n < 0) {
		cli_warn("cannot read the counts: %s", strerror(-n));
		return n;
	}
	qsort(entries, n, sizeof(entries[0]), cmp_entries);
	if (opts.top && n > opts.top)
		skip = n - opts.top;
	if (common_opts.json) {
		print_json(entries + skip, n - skip);
		return 0;
	}
	row_print_header(call_row, &(struct entry){ .syscall = -1 });
	for (i = skip; i < n; i++)
		row_print(call_row, &entries[i]);
	return 0;
}

static int attach(void *ctx)
{
	struct ucalls_bpf *skel = ctx;
	struct utarget t;

	if (!opts.lang)
		return 0;
	if (ulang_find(&t, opts.lang, opts.pid ? opts.pid : -1))
		return -1;
	return ulang_attach(&opts.links, opts.lang, &t,
			    opts.latency ? skel->progs.method_entry : NULL,
			    skel->progs.method_return);
}

/* The runtime: -l, else the one the process runs; none: system calls only (-S). */
static int choose_language(void)
{
	if (opts.lang || opts.no_lang)
		return 0;
	opts.lang = ulang_detect(opts.pid);
	if (opts.lang || opts.syscalls)
		return 0;
	cli_warn("process %d runs none of the runtimes known here (%s): name one with -l, or "
		 "count system calls with -S",
		 opts.pid, ulang_names());
	return -1;
}

static int configure(struct ucalls_bpf *skel)
{
	struct bpf_program *usdt[] = { skel->progs.method_entry, skel->progs.method_return };
	size_t i;

	if (choose_language() || (opts.lang && ulang_set_args(skel->obj, opts.lang)))
		return -1;
	skel->rodata->latency = opts.latency;
	for (i = 0; i < ARRAY_SIZE(usdt); i++)
		bpf_program__set_autoload(usdt[i], false);
	if (!opts.syscalls || !opts.latency) {
		bpf_program__set_autoload(skel->progs.sys_enter_btf, false);
		bpf_program__set_autoload(skel->progs.sys_enter_raw, false);
		bpf_program__set_autoload(skel->progs.sys_enter_tp, false);
	}
	if (!opts.syscalls) {
		bpf_program__set_autoload(skel->progs.sys_exit_btf, false);
		bpf_program__set_autoload(skel->progs.sys_exit_raw, false);
		bpf_program__set_autoload(skel->progs.sys_exit_tp, false);
	}
	if (hook_choose_each(skel->obj, NULL))
		return -1;
	bpf_program__set_autoload(skel->progs.method_entry, opts.lang && opts.latency);
	bpf_program__set_autoload(skel->progs.method_return, opts.lang != NULL);
	if (!opts.latency)
		bpf_map__set_max_entries(skel->maps.stacks, 1);
	return 0;
}

static void banner(char *buf, size_t size)
{
	const char *name = opts.lang ? opts.lang->name : "none";
	size_t len;

	if (opts.pid)
		len = snprintf(buf, size,
			       "Tracing calls in process %d (language: %s)... Ctrl-C to quit.",
			       opts.pid, name);
	else
		len = snprintf(buf, size, "Tracing calls in every %s process... Ctrl-C to quit.",
			       name);
	if (opts.lang && opts.lang->hint && len < size)
		snprintf(buf + len, size - len, "\n%s", opts.lang->hint);
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, "[pid [interval]]", doc, NULL,
					  NULL,	   NULL };
	struct ucalls_bpf *skel;
	char text[256];
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(ucalls_bpf);
	if (!skel)
		return 1;
	if (!configure(skel)) {
		banner(text, sizeof(text));
		err = tool_run_intervals(&(struct tool_intervals){
			.skel = skel->skeleton,
			.banner = text,
			.print_interval = print_interval,
			.ctx = skel,
			.attach = attach,
		});
	}
	usdt_links_destroy(&opts.links);
	ucalls_bpf__destroy(skel);
	return err;
}

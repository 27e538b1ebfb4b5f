/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The lifecycle every tool shares, and the runners that own it: load,
 * attach (with the option groups' filters), header, ready, the loop
 * (duration, interval/count), the lost/missed report, signals and cleanup.
 *
 *	tool_parse(&argp, picks, argc, argv);      // include/opts.h
 *	skel = TOOL_OPEN(foo_bpf);                 // setup + open, NULL: said why
 *	... typed rodata, hook_choose() ...         // the tool's configure step
 *	err = tool_run_events(&(struct tool_events){ skel->skeleton, on_event, ... });
 *	foo_bpf__destroy(skel);                    // detaches everything
 *	return err;
 */
#ifndef BPFSCOPE_TOOL_H
#define BPFSCOPE_TOOL_H

#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "events.h"
#include "opts.h"
#include "row.h"

/*
 * Prepare the process (once): check privileges and BTF, route libbpf
 * messages (printed only with -v), catch SIGINT/SIGTERM, buffer stdout.
 * Exits with a one-line reason when the tool cannot run here.
 */
void tool_setup(void);

struct bpf_object_skeleton;
struct bpf_object_open_opts;

/*
 * Options for opening a skeleton (after tool_setup): CO-RE against a minimal
 * kernel BTF cut for this object (include/corebtf.h) unless BPFSCOPE_AVOID
 * has "corebtf".  TOOL_OPEN sets up, opens, and says why when it failed.
 *	skel = TOOL_OPEN(execsnoop_bpf);
 */
struct bpf_object_open_opts *tool_open_opts(const void *(*elf_bytes)(size_t *size));
void *tool_opened(void *skel);
#define TOOL_OPEN(skel) tool_opened(skel##__open_opts(tool_open_opts(skel##__elf_bytes)))

/*
 * The runners' steps (each prints one line saying what failed and returns
 * <0): set the option groups' filters and load; set the cgroup filter and
 * attach the skeleton's programs.
 */
int tool_load(struct bpf_object_skeleton *s);
int tool_attach(struct bpf_object_skeleton *s);

/*
 * Call once everything is attached and the header is printed.  Flushes stdout;
 * if BPFSCOPE_READY_FILE is set (tests, benchmarks), creates that file.
 */
void tool_ready(void);

/* Histogram tools at exit: "tool: N events missed ..." on stderr when there were any. */
void tool_report_missed(const struct bpf_object *obj);

/*
 * A tool fed by the event buffer: it prints an event at a time, or keeps
 * what the events say and prints a summary at the end (or both).
 */
struct tool_events {
	struct bpf_object_skeleton *skel;
	/*
	 * Records printed one by one: each is copied into a struct of rec_size
	 * bytes (one shorter than rec_min is dropped; bytes past a shorter one
	 * are left from earlier records, so keep bounds variable-length fields
	 * by size, the record's own), kept if keep says so (NULL: all), and
	 * printed through row (include/row.h), which makes the header too.
	 */
	row_fn row;
	size_t rec_size;
	size_t rec_min;
	bool (*keep)(void *rec, size_t size);
	events_fn on_event;		 /* or each record to this; non-zero stops */
	void *ctx;			 /* for every callback but row and keep */
	const char *banner;		 /* text mode, once attached, before the header */
	void (*print_header)(void);	 /* text mode; NULL: row's header, if row */
	int (*print_summary)(void *ctx); /* at the end (optional); <0: failed, said why */
	/* Optional, for a tool with attachments of its own (perf events): */
	int (*after_load)(void *ctx); /* maps filled, state set up; <0: said why */
	int (*attach)(void *ctx);     /* after the skeleton's programs; <0: said why */
	void (*stop)(void *ctx);      /* at the end, before the last events are read */
	__u32 ring_bytes;	      /* the event ring; 0: 128 KiB per CPU */
	/*
	 * Optional: a report every INTERVAL seconds, COUNT times (OPT_INTERVAL),
	 * while the events are read (memleak: outstanding allocations, named
	 * stacks announced as events).  The run ends after COUNT reports; a stop
	 * before that (a signal, -d, on_event) prints the partial interval.
	 * Returns <0: failed, said why; >0: end the run now; 0: go on.
	 */
	int (*print_interval)(void *ctx);
};

/*
 * Run until SIGINT/SIGTERM, -d, or on_event asks to stop; then read what is
 * left in the buffer and print the summary.  With neither row nor on_event,
 * no event buffer is read (the kernel side only counts).  A stop during start-up ends it
 * quietly (status 0).  Returns the exit status.
 */
int tool_run_events(const struct tool_events *t);

/* A tool that prints a summary (a histogram, counts) per interval, or once at the end. */
struct tool_intervals {
	struct bpf_object_skeleton *skel;
	const char *banner;		  /* text mode, once attached */
	int (*print_interval)(void *ctx); /* read and print one interval; <0: said why */
	void *ctx;
	/*
	 * A table of one line per interval (rates: vfsstat): no blank line and
	 * no time line before each; print_header (text mode, optional) once,
	 * after the banner.
	 */
	bool lines;
	void (*print_header)(void *ctx);
	/* Optional, for a tool with attachments of its own (perf events): */
	int (*attach)(void *ctx); /* after the skeleton's programs; <0: said why */
};

/*
 * Print every INTERVAL seconds, COUNT times (include/opts.h; without an
 * interval, once at the end); a signal ends the wait early and the partial
 * interval is printed.  With -d SECS (OPT_DURATION) the run ends after that
 * long, its last interval cut to fit (rates use the time it lasted).  In text mode each summary follows a blank line and,
 * with OPT_TIME, the time of day.  Returns the exit status.
 */
int tool_run_intervals(const struct tool_intervals *t);

/*
 * While print_interval runs: the seconds the interval lasted, for rates.
 * INTERVAL when it ran its course; the time it really lasted when a stop cut
 * it short, or without INTERVAL (the whole run).
 */
double tool_interval_secs(void);
/* n events of that interval per second, rounded down. */
uint64_t tool_interval_rate(uint64_t n);

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/* Command line and tool lifecycle shared by every bpfscope tool. */
#ifndef BPFSCOPE_CLI_H
#define BPFSCOPE_CLI_H

#include <argp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdnoreturn.h>
#include <sys/types.h>

/* Options every tool has: -v/--verbose, --json (and argp's --help, --version). */
struct common_opts {
	bool verbose;
	bool json;
};

extern struct common_opts common_opts;
extern volatile sig_atomic_t tool_exiting;

/*
 * Parse argv with the tool's argp plus the common options.  Errors are printed
 * as one line "tool: message" and the process exits with status 2.
 */
void cli_parse(const struct argp *argp, int argc, char **argv, void *input);

/* Print "tool: message" to stderr and exit with status 2 (usage) or 1 (runtime). */
noreturn void cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
noreturn void cli_die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Value parsers: each exits through cli_usage_error naming the option on bad input. */
long cli_parse_long(const char *opt, const char *arg, long min, long max);
unsigned long long cli_parse_ull(const char *opt, const char *arg);
pid_t cli_parse_pid(const char *opt, const char *arg); /* must be a live process */
pid_t cli_parse_tid(const char *opt, const char *arg); /* must be a live thread */
uid_t cli_parse_uid(const char *opt, const char *arg); /* number or user name */
/* Parse the positional "[interval] [count]" pair; returns true if arg was consumed. */
bool cli_parse_interval_count(const char *arg, int *interval, int *count, int *nposargs);

/*
 * Prepare the process: check privileges and BTF, route libbpf messages
 * (printed only with -v), install SIGINT/SIGTERM handlers that set tool_exiting.
 * Exits with a one-line reason when the tool cannot run here.
 */
void tool_setup(void);

struct bpf_object_skeleton;
struct bpf_object_open_opts;

/*
 * Options for opening a skeleton: CO-RE against a minimal kernel BTF cut for
 * this object (include/corebtf.h) unless BPFSCOPE_AVOID has "corebtf".
 *	skel = TOOL_OPEN(execsnoop_bpf);
 */
struct bpf_object_open_opts *tool_open_opts(const void *(*elf_bytes)(size_t *size));
#define TOOL_OPEN(skel) skel##__open_opts(tool_open_opts(skel##__elf_bytes))

/*
 * Load a skeleton's chosen programs (probe caches are released first, see
 * probe.h), then apply the -c cgroup filter if path is set and attach every
 * loaded program.  Each prints one line saying what failed and returns <0.
 */
int tool_load(struct bpf_object_skeleton *s);
int tool_attach(struct bpf_object_skeleton *s, const char *cgroup);

/*
 * Call once everything is attached and the header is printed.  Flushes stdout;
 * if BPFSCOPE_READY_FILE is set (tests, benchmarks), creates that file.
 */
void tool_ready(void);

/*
 * Events the object saw but did not count: runs of its programs the kernel
 * skipped because one was already running on that CPU (Linux 5.12+ counts
 * them), plus what its BPF side counted in bpf/missed.bpf.h (an event that
 * could not be delivered, a failed map update, ...).
 */
struct bpf_object;
uint64_t tool_missed_runs(const struct bpf_object *obj);
/* Histogram tools at exit: "tool: N events missed ..." on stderr when there were any. */
void tool_report_missed(const struct bpf_object *obj);

/* Sleep up to secs seconds; returns false if a signal asked the tool to stop. */
bool tool_sleep(int secs);

/* Millisecond monotonic clock, and the same clock in nanoseconds (bpf_ktime_get_ns base). */
unsigned long long mono_ns(void);

#endif

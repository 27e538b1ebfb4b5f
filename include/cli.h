/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bottom layer of lib/: argv parsing with the common options, one-line
 * errors, strict value parsers, the stop flag and the clock.
 */
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
/* Set by SIGINT/SIGTERM (cli_catch_signals): every loop and wait checks it. */
extern volatile sig_atomic_t tool_exiting;

/*
 * Parse argv with the tool's argp, an argp of option groups (include/opts.h's
 * tool_parse builds it; NULL: none) and the common options.  Errors are
 * printed as one line "tool: message" and the process exits with status 2.
 */
void cli_parse_with(const struct argp *argp, const struct argp *groups, int argc, char **argv,
		    void *input);

/*
 * Print "tool: message" to stderr as one line (control bytes escaped, cut
 * at 400 columns) and exit with status 2 (usage) or 1 (runtime).
 */
noreturn void cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
noreturn void cli_die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* What a user typed, cut to 64 bytes with "...", for echoing in a message (escaped there). */
const char *cli_shown(const char *arg);
/* "invalid value 'ARG' for OPT: WHY" (ARG as cli_shown), exit 2. */
noreturn void cli_bad_value(const char *opt, const char *arg, const char *why);
/* The index of arg among names[0..n), else "... not one of NAME, NAME, ..." (exit 2). */
size_t cli_parse_choice(const char *opt, const char *arg, const char *const *names, size_t n);

/*
 * Value parsers: decimal digits only (no sign unless min < 0, no spaces, no
 * octal or hex); each exits through cli_usage_error naming the option.
 */
long cli_parse_long(const char *opt, const char *arg, long min, long max);
unsigned long long cli_parse_ull(const char *opt, const char *arg);
pid_t cli_parse_pid(const char *opt, const char *arg); /* must be a live process */
pid_t cli_parse_tid(const char *opt, const char *arg); /* must be a live thread */
uid_t cli_parse_uid(const char *opt, const char *arg); /* number or user name */
/* Parse the positional "[interval] [count]" pair; returns true if arg was consumed. */
bool cli_parse_interval_count(const char *arg, int *interval, int *count, int *nposargs);

/* SIGINT and SIGTERM set tool_exiting (no SA_RESTART: blocked calls return EINTR). */
void cli_catch_signals(void);

/* Sleep up to secs seconds; returns false if a signal asked the tool to stop. */
bool tool_sleep(int secs);

/* Monotonic clock in nanoseconds (the bpf_ktime_get_ns base). */
unsigned long long mono_ns(void);

/*
 * Is NAME among the comma-separated names of $BPFSCOPE_AVOID?  Tests make a
 * hook kind, the ring buffer or a system call look missing with it, so that
 * the fallback is taken.
 */
bool env_avoids(const char *name);

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * The bottom layer of lib/: argv parsing with the common options, one-line
 * errors, strict value parsers, the stop flag and the clock.  It includes
 * nothing of lib/ but text.h.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "text.h"

struct common_opts common_opts;
volatile sig_atomic_t tool_exiting;

const char *argp_program_version = "bpfscope " BPFSCOPE_VERSION;
const char *argp_program_bug_address = "https://github.com/bpfscope/bpfscope/issues";

/* What a message may echo of a user's input (bytes), and how long a message line may be. */
#define ECHO_MAX      64
#define LINE_MAX_COLS 400

enum { OPT_JSON = 0x1000 };

static const struct argp_option common_options[] = {
	{ "verbose", 'v', NULL, 0, "Print libbpf debug messages and the hooks chosen", 90 },
	{ "json", OPT_JSON, NULL, 0, "Print JSON Lines instead of text", 90 },
	/* -h: the help letter of BCC's and libbpf-tools' tools, beside argp's -?. */
	{ NULL, 'h', NULL, OPTION_HIDDEN, NULL, 90 },
	{},
};

static error_t parse_common(int key, char *arg, struct argp_state *state)
{
	(void)arg;
	switch (key) {
	case 'h':
		argp_state_help(state, stdout, ARGP_HELP_STD_HELP);
		return 0;
	case 'v':
		common_opts.verbose = true;
		return 0;
	case OPT_JSON:
		common_opts.json = true;
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static const struct argp common_argp = {
	.options = common_options,
	.parser = parse_common,
};

/* stderr as it was before parsing swapped in the filtering stream (see cli_parse_with). */
static FILE *real_stderr;

/* Write one line to stderr: escaped (no control byte reaches the terminal), and cut. */
static void write_line(const char *text, size_t len)
{
	char buf[LINE_MAX_COLS + 8];
	char *copy = strndup(text, len);

	if (!copy)
		return;
	str_escape_short(buf, sizeof(buf), copy, LINE_MAX_COLS);
	free(copy);
	fprintf(real_stderr ? real_stderr : stderr, "%s\n", buf);
}

static void vwarn_line(const char *fmt, va_list ap)
{
	char msg[1024];
	int n;

	fflush(stdout);
	n = snprintf(msg, sizeof(msg), "%s: ", program_invocation_short_name);
	vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	write_line(msg, strlen(msg));
}

void cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn_line(fmt, ap);
	va_end(ap);
	exit(2);
}

void cli_die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn_line(fmt, ap);
	va_end(ap);
	exit(1);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vwarn_line(fmt, ap);
	va_end(ap);
}

const char *cli_shown(const char *arg)
{
	/* Several may appear in one message; write_line() escapes the whole line. */
	static char bufs[4][ECHO_MAX + 4];
	static int next;
	char *buf = bufs[next++ % 4];
	size_t len = strnlen(arg, ECHO_MAX + 1);

	if (len <= ECHO_MAX)
		return memcpy(buf, arg, len + 1);
	len = ECHO_MAX - 3;
	while (len && ((unsigned char)arg[len] & 0xc0) == 0x80)
		len--; /* not inside a UTF-8 character */
	memcpy(buf, arg, len);
	memcpy(buf + len, "...", 4);
	return buf;
}

void cli_bad_value(const char *opt, const char *arg, const char *why)
{
	cli_usage_error("invalid value '%s' for %s: %s", cli_shown(arg), opt, why);
}

size_t cli_parse_choice(const char *opt, const char *arg, const char *const *names, size_t n)
{
	char why[512] = "not one of ";
	size_t i, len = strlen(why);

	for (i = 0; i < n; i++) {
		if (!strcmp(arg, names[i]))
			return i;
		len += snprintf(why + len, len < sizeof(why) ? sizeof(why) - len : 0, "%s%s",
				i ? ", " : "", names[i]);
	}
	cli_bad_value(opt, arg, why);
}

/*
 * getopt and argp write their own errors ("unrecognized option '--x'", which
 * echoes what was typed, newlines and all) and argp follows each with a
 * "Try `x --help'" line, then may exit.  Errors here are one line, escaped
 * and cut: while parsing, stderr collects what they write, and it is printed
 * as one line without the hint when parsing ends, or at exit.
 */
static struct {
	FILE *stream;
	char text[4096];
	size_t len;
} parse_errors;

static ssize_t collect_write(void *cookie, const char *buf, size_t len)
{
	size_t room = sizeof(parse_errors.text) - 1 - parse_errors.len;

	(void)cookie;
	memcpy(parse_errors.text + parse_errors.len, buf, len < room ? len : room);
	parse_errors.len += len < room ? len : room;
	return len;
}

static void print_parse_errors(void)
{
	char *text = parse_errors.text, *hint;
	size_t len;

	if (!parse_errors.stream)
		return;
	fflush(parse_errors.stream);
	text[parse_errors.len] = '\0';
	hint = strstr(text, "Try `");
	if (!hint)
		hint = strstr(text, "Try '");
	len = hint ? (size_t)(hint - text) : parse_errors.len;
	while (len && text[len - 1] == '\n')
		len--;
	if (len)
		write_line(text, len);
	parse_errors.len = 0;
}

static FILE *parse_error_stream(void)
{
	static const cookie_io_functions_t io = { .write = collect_write };

	if (!parse_errors.stream) {
		parse_errors.stream = fopencookie(NULL, "w", io);
		if (!parse_errors.stream)
			return real_stderr;
		atexit(print_parse_errors); /* argp exits on an error */
	}
	return parse_errors.stream;
}

struct wrapped_input {
	void *input;
};

static error_t parse_wrapper(int key, char *arg, struct argp_state *state)
{
	struct wrapped_input *w = state->input;

	if (key == ARGP_KEY_INIT) {
		state->child_inputs[0] = w->input;
		state->err_stream = parse_error_stream();
	}
	(void)arg;
	return ARGP_ERR_UNKNOWN;
}

void cli_parse_with(const struct argp *argp, const struct argp *groups, int argc, char **argv,
		    void *input)
{
	struct argp tool = *argp;
	struct argp_child children[4] = { { &tool, 0, NULL, 0 } };
	struct argp wrapper = {
		.parser = parse_wrapper,
		.args_doc = argp->args_doc,
		.doc = argp->doc,
		.children = children,
	};
	struct wrapped_input w = { input };
	int n = 1, err;

	if (groups)
		children[n++] = (struct argp_child){ groups, 0, NULL, 0 };
	children[n] = (struct argp_child){ &common_argp, 0, "Common options:", 0 };
	/* The wrapper prints the tool's usage and doc; the child must not repeat them. */
	tool.doc = NULL;
	tool.args_doc = NULL;
	argp_err_exit_status = 2;
	argv[0] = program_invocation_short_name; /* getopt names the program by argv[0] */
	real_stderr = stderr;
	stderr = parse_error_stream();
	err = argp_parse(&wrapper, argc, argv, 0, NULL, &w);
	print_parse_errors();
	stderr = real_stderr;
	if (err)
		exit(2);
}

/*
 * Numbers are decimal, digits only (and a leading '-' where negative_ok): no
 * octal or hex reading of "010" or "0x10", no spaces, no '+'.
 */
static bool parse_decimal(const char *arg, bool negative_ok, long long *v)
{
	const char *p = arg + (negative_ok && arg[0] == '-');
	char *end;

	if (!isdigit((unsigned char)*p))
		return false;
	for (end = (char *)p; *end; end++) {
		if (!isdigit((unsigned char)*end))
			return false;
	}
	errno = 0;
	*v = strtoll(arg, &end, 10);
	return !errno;
}

long cli_parse_long(const char *opt, const char *arg, long min, long max)
{
	long long v;

	if (!parse_decimal(arg, true, &v))
		cli_bad_value(opt, arg, "not a number");
	if (v < min || v > max)
		cli_usage_error("invalid value '%s' for %s: must be %ld..%ld", cli_shown(arg), opt,
				min, max);
	return v;
}

unsigned long long cli_parse_ull(const char *opt, const char *arg)
{
	unsigned long long v;
	char *end;
	const char *p;

	for (p = arg; isdigit((unsigned char)*p); p++)
		;
	errno = 0;
	v = strtoull(arg, &end, 10);
	if (p == arg || *p || errno)
		cli_bad_value(opt, arg, "not a non-negative number");
	return v;
}

pid_t cli_parse_pid(const char *opt, const char *arg)
{
	char path[64];
	pid_t pid = cli_parse_long(opt, arg, 1, INT_MAX);

	snprintf(path, sizeof(path), "/proc/%d", pid);
	if (access(path, F_OK))
		cli_bad_value(opt, arg, "no such process");
	return pid;
}

pid_t cli_parse_tid(const char *opt, const char *arg)
{
	char path[64];
	pid_t tid = cli_parse_long(opt, arg, 1, INT_MAX);

	/* /proc/TID exists for threads too, though it is not listed. */
	snprintf(path, sizeof(path), "/proc/%d/task/%d", tid, tid);
	if (access(path, F_OK))
		cli_bad_value(opt, arg, "no such thread");
	return tid;
}

/*
 * /etc/passwd is read directly rather than through getpwnam(): NSS modules
 * cannot be loaded by the fully static build used in minimal containers.
 * The name must equal a line's first field; the third field must be a number.
 */
static long passwd_uid(const char *name)
{
	FILE *f = fopen("/etc/passwd", "r");
	size_t len = strlen(name);
	char line[1024];
	long long uid = -1;

	if (!f)
		return -1;
	while (uid < 0 && fgets(line, sizeof(line), f)) {
		char *field, *end;

		if (strncmp(line, name, len) || line[len] != ':')
			continue;
		field = strchr(line + len + 1, ':');
		if (!field)
			continue;
		end = strchr(++field, ':');
		if (!end)
			continue;
		*end = '\0';
		if (!parse_decimal(field, false, &uid) || uid > INT_MAX - 1)
			uid = -1;
	}
	fclose(f);
	return uid;
}

uid_t cli_parse_uid(const char *opt, const char *arg)
{
	long uid;

	if (isdigit((unsigned char)arg[0]))
		return cli_parse_long(opt, arg, 0, INT_MAX - 1);
	/* A user name has no ':' (the passwd separator) and no control bytes. */
	if (!arg[0] || strpbrk(arg, ":\n") || (uid = passwd_uid(arg)) < 0)
		cli_bad_value(opt, arg, "no such user");
	return uid;
}

bool cli_parse_interval_count(const char *arg, int *interval, int *count, int *nposargs)
{
	switch ((*nposargs)++) {
	case 0:
		*interval = cli_parse_long("interval", arg, 1, INT_MAX);
		return true;
	case 1:
		*count = cli_parse_long("count", arg, 1, INT_MAX);
		return true;
	default:
		cli_usage_error("unexpected argument '%s'", cli_shown(arg));
	}
}

static void on_signal(int sig)
{
	(void)sig;
	tool_exiting = 1;
}

void cli_catch_signals(void)
{
	/* No SA_RESTART: a blocked write or wait returns EINTR and sees the flag. */
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

bool tool_sleep(int secs)
{
	struct timespec ts = { .tv_sec = secs };

	if (tool_exiting)
		return false;
	while (nanosleep(&ts, &ts)) {
		if (errno != EINTR || tool_exiting)
			return false;
	}
	return !tool_exiting;
}

unsigned long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

bool env_avoids(const char *name)
{
	const char *avoid = getenv("BPFSCOPE_AVOID");
	size_t len = strlen(name);
	const char *p;

	if (!avoid)
		return false;
	for (p = avoid; (p = strstr(p, name)); p += len) {
		bool starts = p == avoid || p[-1] == ',';
		bool ends = p[len] == '\0' || p[len] == ',';

		if (starts && ends)
			return true;
	}
	return false;
}

// SPDX-License-Identifier: GPL-2.0
/* opensnoop: trace open(), openat() and openat2() system wide, with their result. */
#include <ctype.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "tool.h"
#include "events.h"
#include "names.h"
#include "output.h"
#include "probe.h"
#include "opensnoop.h"
#include "opensnoop.skel.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The kernel's O_LARGEFILE; glibc defines it as 0 where it is implied. */
#if defined(__aarch64__) || defined(__arm__)
#define KERNEL_O_LARGEFILE 0400000
#else
#define KERNEL_O_LARGEFILE 0100000
#endif

static struct opts {
	bool timestamp;
	bool print_uid;
	bool failed;
	bool extended;
	bool full_path;
	pid_t pid;
	pid_t tid;
	long uid;
	const char *name;
	const char *cgroup;
	int duration;
	unsigned long long flags_any;
	unsigned int accmodes;
} opts = { .uid = -1 };

static const struct argp_option options[] = {
	{ "timestamp", 'T', NULL, 0, "Print a time column (HH:MM:SS)", 0 },
	{ "print-uid", 'U', NULL, 0, "Print a UID column", 0 },
	{ "failed", 'x', NULL, 0, "Only show failed opens", 0 },
	{ "pid", 'p', "PID", 0, "Trace this process only", 0 },
	{ "tid", 't', "TID", 0, "Trace this thread only", 0 },
	{ "uid", 'u', "UID", 0, "Trace this user (number or name) only", 0 },
	{ "duration", 'd', "SECS", 0, "Trace for this many seconds, then exit", 0 },
	{ "name", 'n', "NAME", 0, "Only trace commands whose name contains NAME", 0 },
	{ "extended-fields", 'e', NULL, 0, "Print a FLAGS column (octal open flags)", 0 },
	{ "flag-filter", 'f', "FLAGS", 0,
	  "Only trace opens with any of these flags (e.g. O_WRONLY,O_CREAT; repeatable)", 0 },
	{ "flag_filter", 0, NULL, OPTION_ALIAS | OPTION_HIDDEN, NULL, 0 }, /* BCC's spelling */
	{ "full-path", 'F', NULL, 0, "Show relative paths joined to their start directory", 0 },
	{ "cgroup", 'c', "PATH", 0, "Trace processes in this cgroup (v2 path) only", 0 },
	{},
};

static const char doc[] =
	"Trace open(), openat() and openat2() calls: who opened what, and the result.\v"
	"FD is the descriptor returned (-1 on failure) and ERR the errno (0 on success).\n\n"
	"Examples:\n"
	"  opensnoop              # every open\n"
	"  opensnoop -T -U        # with time of day and UID columns\n"
	"  opensnoop -x           # only failed opens\n"
	"  opensnoop -p 181       # only process 181\n"
	"  opensnoop -t 123       # only thread 123\n"
	"  opensnoop -u 1000      # only UID 1000\n"
	"  opensnoop -d 10        # trace for 10 seconds\n"
	"  opensnoop -n main      # only commands whose name contains \"main\"\n"
	"  opensnoop -e           # with the open flags\n"
	"  opensnoop -f O_WRONLY -f O_RDWR  # only opens for writing\n"
	"  opensnoop -F           # relative paths shown from the root\n"
	"  opensnoop -c /sys/fs/cgroup/system.slice  # only that cgroup\n"
	"  opensnoop --json       # one JSON object per open";

/* Open flags by name; O_SYNC and O_TMPFILE by the bit that sets them apart. */
static const struct {
	const char *name;
	unsigned long long bits;
} flag_names[] = {
	{ "O_CREAT", O_CREAT },
	{ "O_EXCL", O_EXCL },
	{ "O_NOCTTY", O_NOCTTY },
	{ "O_TRUNC", O_TRUNC },
	{ "O_APPEND", O_APPEND },
	{ "O_NONBLOCK", O_NONBLOCK },
	{ "O_SYNC", O_SYNC & ~O_DSYNC },
	{ "O_DSYNC", O_DSYNC },
	{ "O_ASYNC", O_ASYNC },
	{ "O_DIRECT", O_DIRECT },
	{ "O_LARGEFILE", KERNEL_O_LARGEFILE },
	{ "O_TMPFILE", O_TMPFILE & ~O_DIRECTORY },
	{ "O_DIRECTORY", O_DIRECTORY },
	{ "O_NOFOLLOW", O_NOFOLLOW },
	{ "O_NOATIME", O_NOATIME },
	{ "O_CLOEXEC", O_CLOEXEC },
	{ "O_PATH", O_PATH },
};

static const char *const accmode_names[] = { "O_RDONLY", "O_WRONLY", "O_RDWR" };

static void add_flag_filter(const char *name)
{
	const char *bare = strncasecmp(name, "O_", 2) ? name : name + 2;
	unsigned long long v;
	char *end;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(accmode_names); i++) {
		if (!strcasecmp(bare, accmode_names[i] + 2)) {
			opts.accmodes |= 1u << i;
			return;
		}
	}
	for (i = 0; i < ARRAY_SIZE(flag_names); i++) {
		if (!strcasecmp(bare, flag_names[i].name + 2)) {
			opts.flags_any |= flag_names[i].bits;
			return;
		}
	}
	if (isdigit((unsigned char)name[0])) {
		v = strtoull(name, &end, 0);
		if (!*end && v <= UINT_MAX) {
			/* 0 is O_RDONLY; otherwise only a nonzero access mode is one. */
			if (!v || (v & O_ACCMODE))
				opts.accmodes |= 1u << (v & O_ACCMODE);
			opts.flags_any |= v & ~(unsigned long long)O_ACCMODE;
			return;
		}
	}
	cli_usage_error("invalid value '%s' for -f: not an open flag (e.g. O_WRONLY, O_CREAT)",
			name);
}

/* -f takes a list separated by commas or '|', and may be repeated. */
static void parse_flag_filter(const char *arg)
{
	char buf[256], *tok, *save = NULL;

	if (strlen(arg) >= sizeof(buf))
		cli_usage_error("invalid value for -f: too long");
	strcpy(buf, arg);
	for (tok = strtok_r(buf, ",| ", &save); tok; tok = strtok_r(NULL, ",| ", &save))
		add_flag_filter(tok);
	if (!opts.accmodes && !opts.flags_any)
		cli_usage_error("invalid value '%s' for -f: no flag given", arg);
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'T':
		opts.timestamp = true;
		break;
	case 'U':
		opts.print_uid = true;
		break;
	case 'x':
		opts.failed = true;
		break;
	case 'p':
		opts.pid = cli_parse_pid("-p", arg);
		break;
	case 't':
		opts.tid = cli_parse_tid("-t", arg);
		break;
	case 'u':
		opts.uid = cli_parse_uid("-u", arg);
		break;
	case 'd':
		opts.duration = cli_parse_long("-d", arg, 1, INT_MAX);
		break;
	case 'n':
		if (strlen(arg) >= TASK_COMM_LEN)
			cli_usage_error("invalid value '%s' for -n: command names are at most %d "
					"characters",
					arg, TASK_COMM_LEN - 1);
		opts.name = arg;
		break;
	case 'e':
		opts.extended = true;
		break;
	case 'f':
		parse_flag_filter(arg);
		break;
	case 'F':
		opts.full_path = true;
		break;
	case 'c':
		opts.cgroup = arg;
		break;
	case ARGP_KEY_ARG:
		cli_usage_error("unexpected argument '%s'", arg);
	default:
		return ARGP_ERR_UNKNOWN;
	}
	(void)state;
	return 0;
}

/*
 * -F: the directory a relative path starts from, as "/usr/share/" (names are
 * stored innermost first); "" when the path is absolute or the directory is
 * unknown.  Returns its length.
 */
static size_t dir_prefix(const struct open_event *e, char *buf, size_t len)
{
	const char *names[DIR_DEPTH_MAX];
	const char *p = e->dir, *end = e->dir + e->dir_len;
	size_t n = 0, o = 0;

	buf[0] = '\0';
	if (e->path[0] == '/' || (e->status & DIR_ABSENT))
		return 0;
	while (p < end && n < ARRAY_SIZE(names)) {
		names[n++] = p;
		p += strnlen(p, end - p) + 1;
	}
	if (e->status & DIR_TRUNCATED)
		o += snprintf(buf + o, len - o, "...");
	while (n-- > 0 && o < len)
		o += snprintf(buf + o, len - o, "/%.*s", (int)(end - names[n]), names[n]);
	if (o < len)
		o += snprintf(buf + o, len - o, "/");
	return o < len ? o : len - 1;
}

static const char *syscall_label(int sys)
{
	static const char *const labels[] = { "open", "openat", "openat2" };

	return sys >= 0 && sys < (int)ARRAY_SIZE(labels) ? labels[sys] : "?";
}

static void print_header(void)
{
	if (opts.timestamp)
		printf("%-8s ", "TIME");
	if (opts.print_uid)
		printf("%-7s ", "UID");
	printf("%-6s %-16s %3s %3s ", "PID", "COMM", "FD", "ERR");
	if (opts.extended)
		printf("%-8s ", "FLAGS");
	printf("PATH\n");
}

static void print_text(const struct open_event *e)
{
	char hms[16], prefix[DIR_BUF_LEN + 8];
	size_t clen = strnlen(e->comm, sizeof(e->comm));

	if (opts.timestamp)
		printf("%-8s ", time_hms(hms, sizeof(hms)));
	if (opts.print_uid)
		printf("%-7u ", e->uid);
	printf("%-6u ", e->pid);
	print_escaped(stdout, e->comm, sizeof(e->comm));
	printf("%*s %3d %3d ", (int)(16 - clen), "", e->ret >= 0 ? e->ret : -1,
	       e->ret >= 0 ? 0 : -e->ret);
	if (opts.extended)
		printf("%08llo ", (unsigned long long)e->flags);
	if (opts.full_path && dir_prefix(e, prefix, sizeof(prefix)))
		print_escaped(stdout, prefix, sizeof(prefix));
	print_escaped(stdout, e->path, e->path_len);
	if (e->status & PATH_TRUNCATED)
		fputs("...", stdout);
	putchar('\n');
}

static void json_flag_names(struct json *j, unsigned long long flags)
{
	size_t i;

	json_arr_begin(j, "flag_names");
	if ((flags & O_ACCMODE) < ARRAY_SIZE(accmode_names))
		json_str(j, NULL, accmode_names[flags & O_ACCMODE]);
	for (i = 0; i < ARRAY_SIZE(flag_names); i++) {
		unsigned long long bits = flag_names[i].bits;

		if ((flags & bits) != bits)
			continue;
		/* O_SYNC implies O_DSYNC's bit, O_TMPFILE O_DIRECTORY's. */
		if ((bits == O_DSYNC && (flags & O_SYNC) == O_SYNC) ||
		    (bits == O_DIRECTORY && (flags & O_TMPFILE) == O_TMPFILE))
			continue;
		json_str(j, NULL, flag_names[i].name);
	}
	json_arr_end(j);
}

static void print_json(const struct open_event *e)
{
	char hms[16], full[DIR_BUF_LEN + PATH_LEN + 8];
	struct json j;
	size_t n;

	json_begin(&j, stdout);
	json_str(&j, "time", time_hms(hms, sizeof(hms)));
	json_double(&j, "ts", secs_since_start(e->ts_ns));
	json_uint(&j, "uid", e->uid);
	json_uint(&j, "pid", e->pid);
	json_uint(&j, "tid", e->tid);
	json_strn(&j, "comm", e->comm, sizeof(e->comm));
	json_str(&j, "syscall", syscall_label(e->syscall));
	json_int(&j, "fd", e->ret >= 0 ? e->ret : -1);
	json_int(&j, "err", e->ret >= 0 ? 0 : -e->ret);
	if (e->ret < 0 && errno_name(e->ret))
		json_str(&j, "error", errno_name(e->ret));
	json_uint(&j, "flags", e->flags);
	json_flag_names(&j, e->flags);
	json_uint(&j, "mode", e->mode);
	json_strn(&j, "path", e->path, e->path_len);
	json_bool(&j, "path_truncated", e->status & PATH_TRUNCATED);
	if (opts.full_path) {
		n = dir_prefix(e, full, sizeof(full) - PATH_LEN);
		memcpy(full + n, e->path, e->path_len);
		json_strn(&j, "full_path", full, n + e->path_len);
	}
	json_end(&j);
}

static int handle_event(void *ctx, const void *data, size_t size)
{
	static struct open_event e;

	(void)ctx;
	if (size < OPEN_EVENT_HEADER_SIZE)
		return 0;
	/* Records are cut after the path (or the directory names with -F). */
	memcpy(&e, data, size < sizeof(e) ? size : sizeof(e));
	if (e.path_len > PATH_LEN || size < OPEN_EVENT_HEADER_SIZE + e.path_len)
		e.path_len = 0;
	if (e.dir_len > DIR_BUF_LEN || size < OPEN_EVENT_BASE_SIZE + e.dir_len)
		e.dir_len = 0;
	if (common_opts.json)
		print_json(&e);
	else
		print_text(&e);
	return 0;
}

/*
 * With bpf_task_pt_regs() (Linux 5.15) the exit alone sees the arguments;
 * BPFSCOPE_AVOID=task_pt_regs forces the entry/exit pair used before.
 */
static bool exit_only_usable(void)
{
	if (hook_avoided("task_pt_regs"))
		return false;
	return libbpf_probe_bpf_helper(BPF_PROG_TYPE_TRACEPOINT, BPF_FUNC_task_pt_regs, NULL) == 1;
}

/* The programs that can trace one syscall; one or two of them are loaded. */
struct syscall_progs {
	const char *what; /* NULL: optional, left out where the kernel lacks it */
	struct bpf_program *enter, *exit, *exit_full, *exit_regs, *exit_regs_full;
};

static void disable_syscall(const struct syscall_progs *s)
{
	bpf_program__set_autoload(s->enter, false);
	bpf_program__set_autoload(s->exit, false);
	bpf_program__set_autoload(s->exit_full, false);
	bpf_program__set_autoload(s->exit_regs, false);
	bpf_program__set_autoload(s->exit_regs_full, false);
}

/* The program that traces a syscall alone (exit only) or that opens the pair (entry). */
static struct bpf_program *first_pick(const struct syscall_progs *s, bool exit_only)
{
	if (exit_only)
		return opts.full_path ? s->exit_regs_full : s->exit_regs;
	return s->enter;
}

static int choose_syscall(const struct syscall_progs *s, bool exit_only)
{
	struct bpf_program *pick[2];
	size_t i, n = 0;
	int kept;

	pick[n++] = first_pick(s, exit_only);
	if (!exit_only)
		pick[n++] = opts.full_path ? s->exit_full : s->exit;
	disable_syscall(s);
	for (i = 0; i < n; i++) {
		kept = s->what ? hook_choose(s->what, &pick[i], 1)
			       : hook_choose_optional(&pick[i], 1);
		if (kept < 0) {
			disable_syscall(s);
			return s->what ? -1 : 0;
		}
	}
	return 0;
}

/*
 * No syscall tracepoints (CONFIG_FTRACE_SYSCALLS=n, or avoided): raw_syscalls'
 * exit, which has the registers, traces every open call, at the cost of a
 * short filter on every system call.  The error names both ways if neither works.
 */
static int choose_raw_syscalls(struct opensnoop_bpf *skel, const struct syscall_progs *calls,
			       size_t n, bool exit_only)
{
	struct bpf_program *alts[] = {
		first_pick(&calls[0], exit_only),
		opts.full_path ? skel->progs.sys_exit_raw_full : skel->progs.sys_exit_raw,
	};
	size_t i;

	for (i = 0; i < n; i++)
		disable_syscall(&calls[i]);
	if (hook_choose("openat()", alts, 2) != 1)
		return -1;
	if (common_opts.verbose)
		fprintf(stderr, "opensnoop: arguments read from the registers at syscall exit\n");
	return 0;
}

static int choose_hooks(struct opensnoop_bpf *skel)
{
	typeof(skel->progs) *p = &skel->progs;
	const struct syscall_progs calls[] = {
		{ "openat()", p->openat_enter, p->openat_exit, p->openat_exit_full,
		  p->openat_exit_regs, p->openat_exit_regs_full },
		/* open() is missing on newer architectures, openat2() before Linux 5.6. */
		{ NULL, p->open_enter, p->open_exit, p->open_exit_full, p->open_exit_regs,
		  p->open_exit_regs_full },
		{ NULL, p->openat2_enter, p->openat2_exit, p->openat2_exit_full,
		  p->openat2_exit_regs, p->openat2_exit_regs_full },
	};
	bool exit_only = exit_only_usable();
	const char *why;
	size_t i;

	bpf_program__set_autoload(p->sys_exit_raw, false);
	bpf_program__set_autoload(p->sys_exit_raw_full, false);
	if (!hook_available(first_pick(&calls[0], exit_only), &why))
		return choose_raw_syscalls(skel, calls, ARRAY_SIZE(calls), exit_only);
	if (common_opts.verbose)
		fprintf(stderr, "opensnoop: arguments read %s\n",
			exit_only ? "from saved registers at syscall exit" : "at syscall entry");
	for (i = 0; i < ARRAY_SIZE(calls); i++) {
		if (choose_syscall(&calls[i], exit_only))
			return -1;
	}
	return 0;
}

static void set_filters(struct opensnoop_bpf *skel)
{
	skel->rodata->self_tgid = getpid();
	skel->rodata->filter_tgid = opts.pid;
	skel->rodata->filter_tid = opts.tid;
	skel->rodata->filter_uid = opts.uid;
	skel->rodata->filter_cgroup = opts.cgroup != NULL;
	skel->rodata->failed_only = opts.failed;
	skel->rodata->flags_any = opts.flags_any;
	skel->rodata->accmodes = opts.accmodes;
	if (opts.name) {
		memcpy((char *)skel->rodata->filter_comm, opts.name, strlen(opts.name));
		skel->rodata->filter_comm_len = strlen(opts.name);
	}
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct opensnoop_bpf *skel = NULL;
	struct events *ev = NULL;
	unsigned long long end = 0;
	int err = 1;

	cli_parse(&argp, argc, argv, NULL);
	tool_setup();

	skel = TOOL_OPEN(opensnoop_bpf);
	if (!skel) {
		cli_warn("cannot open BPF object");
		goto cleanup;
	}
	set_filters(skel);
	if (choose_hooks(skel) || events_configure(skel->obj))
		goto cleanup;

	if (tool_load(skel->skeleton) || (opts.cgroup && filter_set_cgroup(skel->obj, opts.cgroup)) || tool_attach(skel->skeleton))
		goto cleanup;
	ev = events_open(skel->obj, handle_event, NULL);
	if (!ev)
		goto cleanup;

	if (!common_opts.json)
		print_header();
	tool_ready();
	if (opts.duration)
		end = mono_ns() + opts.duration * 1000000000ULL;
	err = events_loop(ev, end) < 0;

cleanup:
	if (ev)
		events_report_lost(ev);
	events_free(ev);
	opensnoop_bpf__destroy(skel);
	return err;
}

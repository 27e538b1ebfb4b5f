// SPDX-License-Identifier: GPL-2.0
/* Common options, value parsing with one-line errors, and process setup. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/capability.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "corebtf.h"
#include "output.h"
#include "probe.h"

struct common_opts common_opts;
volatile sig_atomic_t tool_exiting;

const char *argp_program_version = "bpfscope " BPFSCOPE_VERSION;
const char *argp_program_bug_address = "https://github.com/bpfscope/bpfscope/issues";

enum { OPT_JSON = 0x1000 };

static const struct argp_option common_options[] = {
	{ "verbose", 'v', NULL, 0, "Print libbpf debug messages and the hooks chosen", 90 },
	{ "json", OPT_JSON, NULL, 0, "Print JSON Lines instead of text", 90 },
	{},
};

static error_t parse_common(int key, char *arg, struct argp_state *state)
{
	(void)arg;
	(void)state;
	switch (key) {
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

static void vwarn_line(const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "%s: ", program_invocation_short_name);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
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

/*
 * argp follows each of its own error messages with a "Try `x --help'" line.
 * Errors here are one line, so a filtering stream drops that hint.
 */
static ssize_t filtered_write(void *cookie, const char *buf, size_t len)
{
	size_t i = 0;

	(void)cookie;
	while (i < len) {
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - buf) - i + 1 : len - i;

		if (strncmp(buf + i, "Try `", 5) && strncmp(buf + i, "Try '", 5))
			fwrite(buf + i, 1, n, stderr);
		i += n;
	}
	return len;
}

static FILE *one_line_error_stream(void)
{
	static const cookie_io_functions_t io = { .write = filtered_write };
	FILE *f = fopencookie(NULL, "w", io);

	return f ? f : stderr;
}

struct wrapped_input {
	const struct argp *tool;
	void *input;
};

static error_t parse_wrapper(int key, char *arg, struct argp_state *state)
{
	struct wrapped_input *w = state->input;

	if (key == ARGP_KEY_INIT) {
		state->child_inputs[0] = w->input;
		state->child_inputs[1] = NULL;
		state->err_stream = one_line_error_stream();
	}
	(void)arg;
	return ARGP_ERR_UNKNOWN;
}

void cli_parse(const struct argp *argp, int argc, char **argv, void *input)
{
	struct argp tool = *argp;
	const struct argp_child children[] = {
		{ &tool, 0, NULL, 0 },
		{ &common_argp, 0, "Common options:", 0 },
		{},
	};
	struct argp wrapper = {
		.parser = parse_wrapper,
		.args_doc = argp->args_doc,
		.doc = argp->doc,
		.children = children,
	};
	struct wrapped_input w = { argp, input };

	/* The wrapper prints the tool's usage and doc; the child must not repeat them. */
	tool.doc = NULL;
	tool.args_doc = NULL;
	argp_err_exit_status = 2;
	argv[0] = program_invocation_short_name; /* getopt names the program by argv[0] */
	if (argp_parse(&wrapper, argc, argv, 0, NULL, &w))
		exit(2);
}

long cli_parse_long(const char *opt, const char *arg, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 0);
	if (errno || end == arg || *end)
		cli_usage_error("invalid value '%s' for %s: not a number", arg, opt);
	if (v < min || v > max)
		cli_usage_error("invalid value '%s' for %s: must be %ld..%ld", arg, opt, min, max);
	return v;
}

unsigned long long cli_parse_ull(const char *opt, const char *arg)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(arg, &end, 0);
	if (errno || end == arg || *end || arg[0] == '-')
		cli_usage_error("invalid value '%s' for %s: not a non-negative number", arg, opt);
	return v;
}

pid_t cli_parse_pid(const char *opt, const char *arg)
{
	char path[64];
	pid_t pid = cli_parse_long(opt, arg, 1, INT_MAX);

	snprintf(path, sizeof(path), "/proc/%d", pid);
	if (access(path, F_OK))
		cli_usage_error("invalid value '%s' for %s: no such process", arg, opt);
	return pid;
}

pid_t cli_parse_tid(const char *opt, const char *arg)
{
	char path[64];
	pid_t tid = cli_parse_long(opt, arg, 1, INT_MAX);

	/* /proc/TID exists for threads too, though it is not listed. */
	snprintf(path, sizeof(path), "/proc/%d/task/%d", tid, tid);
	if (access(path, F_OK))
		cli_usage_error("invalid value '%s' for %s: no such thread", arg, opt);
	return tid;
}

/*
 * /etc/passwd is read directly rather than through getpwnam(): NSS modules
 * cannot be loaded by the fully static build used in minimal containers.
 */
static long passwd_uid(const char *name)
{
	FILE *f = fopen("/etc/passwd", "r");
	size_t len = strlen(name);
	char line[1024];
	long uid = -1;

	if (!f)
		return -1;
	while (uid < 0 && fgets(line, sizeof(line), f)) {
		char *field;

		if (strncmp(line, name, len) || line[len] != ':')
			continue;
		field = strchr(line + len + 1, ':');
		if (field)
			uid = strtol(field + 1, NULL, 10);
	}
	fclose(f);
	return uid;
}

uid_t cli_parse_uid(const char *opt, const char *arg)
{
	long uid;

	if (isdigit((unsigned char)arg[0]))
		return cli_parse_long(opt, arg, 0, INT_MAX - 1);
	uid = passwd_uid(arg);
	if (uid < 0)
		cli_usage_error("invalid value '%s' for %s: no such user", arg, opt);
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
		cli_usage_error("unexpected argument '%s'", arg);
	}
}

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG && !common_opts.verbose)
		return 0;
	if (!common_opts.verbose)
		return 0; /* failures are explained by the tool in one line */
	return vfprintf(stderr, fmt, ap);
}

static void on_signal(int sig)
{
	(void)sig;
	tool_exiting = 1;
}

static bool has_caps(unsigned long long want)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2] = {};
	unsigned long long eff;

	if (syscall(SYS_capget, &hdr, data))
		return false;
	eff = data[0].effective | ((unsigned long long)data[1].effective << 32);
	return (eff & want) == want;
}

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

static void check_privileges(void)
{
	unsigned long long bpf_perfmon = (1ULL << CAP_BPF) | (1ULL << CAP_PERFMON);

	if (has_caps(bpf_perfmon) || has_caps(1ULL << CAP_SYS_ADMIN))
		return;
	cli_die("needs root (CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN) to load BPF programs");
}

void tool_setup(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	check_privileges();
	if (!probe_btf_vmlinux())
		cli_die("this kernel has no BTF (/sys/kernel/btf/vmlinux); "
			"CO-RE needs CONFIG_DEBUG_INFO_BTF=y (Linux >= 5.4)");
	libbpf_set_print(libbpf_print);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	output_init();
}

static bool tp_btf_by_id; /* our SEC("tp_btf/") handler is in place */

struct bpf_object_open_opts *tool_open_opts(const void *(*elf_bytes)(size_t *size))
{
	static struct bpf_object_open_opts opts = { .sz = sizeof(opts) };
	const char *why = NULL;
	size_t size = 0;
	const void *elf = elf_bytes(&size);

	opts.btf_custom_path = NULL;
	if (hook_avoided("corebtf")) {
		why = "BPFSCOPE_AVOID has corebtf";
	} else {
		opts.btf_custom_path = corebtf_for_object(elf, size, &why);
		tp_btf_by_id = !corebtf_register_tp_btf();
	}
	if (common_opts.verbose)
		fprintf(stderr, "%s: CO-RE: %s%s\n", program_invocation_short_name,
			opts.btf_custom_path ? "against the kernel BTF cut for this object"
					     : "against the whole kernel BTF: ",
			opts.btf_custom_path ? "" : why);
	return &opts;
}

int tool_load(struct bpf_object_skeleton *s)
{
	int err;

	if (tp_btf_by_id && corebtf_prepare_tp_btf(*s->obj))
		cli_warn("a BTF tracepoint chosen is not in the kernel BTF");
	probe_release();
	err = bpf_object__load_skeleton(s);
	corebtf_release();
	if (err)
		cli_warn("cannot load BPF programs: %s (run with -v for the verifier log)",
			 strerror(-err));
	return err;
}

int tool_attach(struct bpf_object_skeleton *s, const char *cgroup)
{
	int err;

	if (cgroup)
		filter_set_cgroup(*s->obj, cgroup);
	err = bpf_object__attach_skeleton(s);
	if (err)
		cli_warn("cannot attach BPF programs: %s (run with -v for details)",
			 strerror(-err));
	return err;
}

/*
 * Start-up ran most of the binary's code once (argp, libbpf's ELF and BTF
 * handling, the loader); tracing needs a small part of it.  Unmap the pages
 * of our own binary that are clean copies of the file (code, read-only data),
 * so resident memory holds only what the event loop faults back in.  A
 * mapping with any page of our own (written data, RELRO) stays as it is.
 */
static void drop_startup_pages(void)
{
	char exe[PATH_MAX], line[PATH_MAX + 128], perms[8], path[PATH_MAX];
	unsigned long start = 0, end = 0, anon;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	bool ours = false;
	FILE *smaps;

	if (n <= 0)
		return;
	exe[n] = '\0';
	smaps = fopen("/proc/self/smaps", "r");
	if (!smaps)
		return;
	while (fgets(line, sizeof(line), smaps)) {
		unsigned long from, to;
		int fields =
			sscanf(line, "%lx-%lx %7s %*s %*s %*s %4095s", &from, &to, perms, path);

		if (fields >= 3) {
			ours = fields == 4 && perms[1] == '-' && !strcmp(path, exe);
			start = from;
			end = to;
		} else if (ours && sscanf(line, "Anonymous: %lu kB", &anon) == 1 && !anon)
			madvise((void *)start, end - start, MADV_DONTNEED);
	}
	fclose(smaps);
}

void tool_ready(void)
{
	const char *path = getenv("BPFSCOPE_READY_FILE");
	FILE *f;

	/* Give back what start-up used (probe caches, heap, code) before tracing. */
	probe_release();
	malloc_trim(0);
	drop_startup_pages();
	fflush(stdout);
	if (!path)
		return;
	f = fopen(path, "w");
	if (f)
		fclose(f);
}

/* Sum of a per-CPU array's one __u64 (include/bpf/missed.bpf.h); 0 without the map. */
static uint64_t percpu_counter_sum(const struct bpf_map *map)
{
	int ncpus = libbpf_num_possible_cpus(), i;
	uint64_t sum = 0, *vals;
	__u32 zero = 0;

	if (!map || ncpus <= 0 || bpf_map__fd(map) < 0)
		return 0;
	vals = calloc(ncpus, sizeof(*vals));
	if (vals && !bpf_map_lookup_elem(bpf_map__fd(map), &zero, vals)) {
		for (i = 0; i < ncpus; i++)
			sum += vals[i];
	}
	free(vals);
	return sum;
}

uint64_t tool_missed_runs(const struct bpf_object *obj)
{
	struct bpf_program *prog;
	uint64_t missed = 0;

	bpf_object__for_each_program(prog, obj)
	{
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(prog);

		if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len))
			missed += info.recursion_misses;
	}
	return missed + percpu_counter_sum(bpf_object__find_map_by_name(obj, "missed"));
}

void tool_report_missed(const struct bpf_object *obj)
{
	uint64_t missed = tool_missed_runs(obj);

	if (missed)
		fprintf(stderr, "%s: %llu events missed (seen but not counted)\n",
			program_invocation_short_name, (unsigned long long)missed);
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

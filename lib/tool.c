// SPDX-License-Identifier: GPL-2.0
/* The tool lifecycle and the runners; see include/tool.h. */
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "corebtf.h"
#include "output.h"
#include "probe.h"
#include "tool.h"

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	if (!common_opts.verbose)
		return 0; /* failures are explained by the tool in one line */
	return vfprintf(stderr, fmt, ap);
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
	static bool done;

	if (done)
		return;
	done = true;
	check_privileges();
	if (!probe_btf_vmlinux())
		cli_die("this kernel has no BTF (/sys/kernel/btf/vmlinux); "
			"CO-RE needs CONFIG_DEBUG_INFO_BTF=y (Linux >= 5.4)");
	libbpf_set_print(libbpf_print);
	cli_catch_signals();
	output_init();
}

static bool tp_btf_by_id; /* our SEC("tp_btf/") handler is in place */

struct bpf_object_open_opts *tool_open_opts(const void *(*elf_bytes)(size_t *size))
{
	static struct bpf_object_open_opts opts = { .sz = sizeof(opts) };
	const char *why = NULL;
	size_t size = 0;
	const void *elf = elf_bytes(&size);

	tool_setup();
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

void *tool_opened(void *skel)
{
	if (!skel)
		cli_warn("cannot open the BPF object: %s", strerror(errno));
	return skel;
}

int tool_load(struct bpf_object_skeleton *s)
{
	struct bpf_object *obj = *s->obj;
	int err;

	if (opts_set_filters(obj)) {
		cli_warn("cannot set the BPF filters");
		return -EINVAL;
	}
	if (tp_btf_by_id && corebtf_prepare_tp_btf(obj))
		cli_warn("a BTF tracepoint chosen is not in the kernel BTF");
	probe_release();
	err = bpf_object__load_skeleton(s);
	corebtf_release();
	if (err)
		cli_warn("cannot load BPF programs: %s (run with -v for the verifier log)",
			 strerror(-err));
	return err;
}

int tool_attach(struct bpf_object_skeleton *s)
{
	int err = opts_fill_filters(*s->obj);

	if (!err)
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
	output_flush();
	if (!path)
		return;
	f = fopen(path, "w");
	if (f)
		fclose(f);
}

void tool_report_missed(const struct bpf_object *obj)
{
	uint64_t missed = events_missed(obj);

	if (missed)
		fprintf(stderr, "%s: %llu events missed (seen but not counted)\n",
			program_invocation_short_name, (unsigned long long)missed);
}

/* The exit status: 1 if anything failed or output was lost. */
static int finish(int err)
{
	return output_finish() || err ? 1 : 0;
}

/* The runner's own event callback for a tool that prints records through a row. */
struct record_printer {
	const struct tool_events *t;
	void *rec;
};

static int print_record(void *ctx, const void *data, size_t size)
{
	struct record_printer *p = ctx;
	const struct tool_events *t = p->t;

	if (size < t->rec_min)
		return 0;
	if (size > t->rec_size)
		size = t->rec_size;
	memcpy(p->rec, data, size);
	if (!t->keep || t->keep(p->rec, size))
		row_print(t->row, p->rec);
	return 0;
}

static void print_events_header(const struct tool_events *t, void *zeroed)
{
	if (common_opts.json)
		return;
	if (t->banner)
		printf("%s\n", t->banner);
	if (t->print_header)
		t->print_header();
	else if (t->row)
		row_print_header(t->row, zeroed);
}

/* Load, attach (the skeleton's programs, then the tool's own), open the events if any. */
static int start_events(const struct tool_events *t, struct record_printer *printer,
			struct events **ev)
{
	struct bpf_object *obj = *t->skel->obj;
	events_fn fn;

	/* A tool whose kernel side only counts has no event buffer to set up. */
	if ((t->row || t->on_event) && events_configure(obj, t->ring_bytes)) {
		cli_warn("cannot set up the event buffer");
		return -1;
	}
	if (tool_load(t->skel) || (t->after_load && t->after_load(t->ctx) < 0))
		return -1;
	/* Records through the row are printed by the runner; anything else goes to on_event. */
	fn = t->row ? print_record : t->on_event;
	if (fn && !(*ev = events_open(obj, fn, t->row ? (void *)printer : t->ctx)))
		return -1;
	if (tool_attach(t->skel) || (t->attach && t->attach(t->ctx) < 0))
		return -1;
	return 0;
}

/* Without events to read (the kernel side only counts): wait for a signal or the end. */
static void wait_until(unsigned long long end)
{
	unsigned long long now;

	while (!tool_exiting && (!end || (now = mono_ns()) < end))
		tool_sleep(end ? (end - now + 999999999) / 1000000000 : INT_MAX);
}

/* The events are read and, every INTERVAL seconds (COUNT times), print_interval reports. */
static int events_intervals(const struct tool_events *t, struct events *ev, unsigned long long end)
{
	unsigned long long next;
	int i, err = 0, r;

	for (i = 0; i < gopts.count && !err; i++) {
		next = gopts.interval == INT_MAX ? 0 : mono_ns() + gopts.interval * 1000000000ULL;
		if (end && (!next || end < next))
			next = end;
		if (ev)
			err = events_loop(ev, next);
		else
			wait_until(next);
		if (err)
			break;
		r = t->print_interval(t->ctx);
		err = r < 0 ? -1 : output_flush();
		if (r > 0 || tool_exiting || (ev && events_stopped(ev)) ||
		    (end && mono_ns() >= end))
			break;
	}
	return err;
}

int tool_run_events(const struct tool_events *t)
{
	unsigned long long end = gopts.duration ? mono_ns() + gopts.duration * 1000000000ULL : 0;
	struct record_printer printer = { t, calloc(1, t->rec_size ? t->rec_size : 1) };
	struct events *ev = NULL;
	int err = 0;

	if (!printer.rec)
		cli_die("out of memory");
	/* A stop asked for during start-up (map creation can take long) ends it quietly. */
	if (tool_exiting || (err = start_events(t, &printer, &ev)) || tool_exiting)
		goto out;
	print_events_header(t, printer.rec);
	tool_ready();
	err = output_flush();
	if (!err && t->print_interval)
		err = events_intervals(t, ev, end);
	else if (!err && ev)
		err = events_loop(ev, end);
	else if (!err)
		wait_until(end);
	if (err)
		goto out;
	if (t->stop)
		t->stop(t->ctx);
	if (ev)
		events_drain(ev); /* what the kernel sent before the stop */
	if (t->print_summary)
		err = t->print_summary(t->ctx);
out:
	if (ev)
		events_report_lost(ev);
	else
		tool_report_missed(*t->skel->obj);
	events_free(ev);
	free(printer.rec);
	return finish(err);
}

/* Text mode: a blank line, and the time of day with -T, before each summary. */
static void print_interval_start(void)
{
	char hms[16];

	putchar('\n');
	if (gopts.time)
		printf("%-8s\n", time_hms(hms, sizeof(hms)));
}

static double interval_secs;

double tool_interval_secs(void)
{
	return interval_secs;
}

uint64_t tool_interval_rate(uint64_t n)
{
	double rate = interval_secs > 0 ? n / interval_secs : n;

	return rate < (double)UINT64_MAX ? (uint64_t)rate : UINT64_MAX;
}

/* An interval that ran its course lasted INTERVAL; one cut short, what the clock says. */
static double interval_length(bool full, unsigned long long ns)
{
	double secs = ns / 1e9;

	return full || secs > gopts.interval ? gopts.interval : secs;
}

/* The seconds of the next interval: INTERVAL, or what is left of -d, if less. */
static int next_interval(unsigned long long deadline, unsigned long long now)
{
	unsigned long long left;

	if (!deadline)
		return gopts.interval;
	left = deadline > now ? (deadline - now + 500000000ULL) / 1000000000ULL : 0;
	return left < (unsigned long long)gopts.interval ? (int)left : gopts.interval;
}

int tool_run_intervals(const struct tool_intervals *t)
{
	unsigned long long start, now, deadline;
	int i, err = -1;

	if (tool_load(t->skel) || tool_attach(t->skel) || (t->attach && t->attach(t->ctx) < 0))
		return finish(err);
	if (!common_opts.json && t->banner)
		printf("%s\n", t->banner);
	if (!common_opts.json && t->print_header)
		t->print_header(t->ctx);
	tool_ready();
	err = output_flush();
	start = mono_ns();
	deadline = gopts.duration ? start + gopts.duration * 1000000000ULL : 0;
	for (i = 0; i < gopts.count && !err; i++) {
		int secs = next_interval(deadline, start);
		bool more = tool_sleep(secs);

		now = mono_ns();
		interval_secs = interval_length(more && secs == gopts.interval, now - start);
		start = now;
		if (!common_opts.json && !t->lines)
			print_interval_start();
		err = t->print_interval(t->ctx) < 0 || output_flush();
		if (!more || (deadline && now + 500000000ULL >= deadline))
			break;
	}
	tool_report_missed(*t->skel->obj);
	return finish(err);
}

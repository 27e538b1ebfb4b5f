// SPDX-License-Identifier: GPL-2.0
/* ttysnoop: watch what is written to a terminal (a pts or tty device). */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "probe.h"
#include "row.h"
#include "syscalls.h"
#include "text.h"
#include "tool.h"
#include "ttysnoop.h"
#include "ttysnoop.skel.h"

#define KDEV(ma, mi) ((ma) << 20 | (mi)) /* the kernel's dev_t */

static struct {
	const char *device;
	__u32 dev;
	bool noclear;
	long size;
	long count;
} opts = { .size = 256, .count = 16 };

static const struct opt_pick picks[] = {
	{ OPT_PID, 'p', NULL, "Only writes by this process (or these: PID,PID...)" },
	{ OPT_DURATION, 'd', NULL, NULL },
	{},
};

static const struct argp_option options[] = {
	{ "noclear", 'C', NULL, 0, "Don't clear the screen", 0 },
	{ "datasize", 's', "SIZE", 0, "Size of the transmitting buffer (default 256, at most 8192)",
	  0 },
	{ "datacount", 'c', "COUNT", 0,
	  "Number of times we check for 'data-size' data (default 16, at most 64)", 0 },
	{},
};

static const char doc[] =
	"Watch live output from a tty or pts device: the bytes processes write to it.\v"
	"DEVICE is a terminal's path, or N for /dev/pts/N.  Control bytes are shown "
	"escaped (\\xNN); newlines are kept.  A write is shown in pieces of SIZE bytes, "
	"COUNT pieces at most.  Where the kernel has neither fentry nor kprobes, write(), "
	"writev(), pwrite64() and pwritev() calls are traced (see ttysnoop(8)).\n\n"
	"Examples:\n"
	"  ttysnoop /dev/pts/2    # snoop output from /dev/pts/2\n"
	"  ttysnoop 2             # snoop output from /dev/pts/2 (shortcut)\n"
	"  ttysnoop /dev/console  # snoop output from the system console\n"
	"  ttysnoop /dev/tty0     # snoop output from /dev/tty0\n"
	"  ttysnoop 2 -s 1024     # pieces of up to 1024 bytes\n"
	"  ttysnoop 2 -c 2        # at most 2 pieces of 256 bytes per write\n"
	"  ttysnoop --json 2      # one JSON object per piece";

/* DEVICE: a path, or N for /dev/pts/N; it must be a character device. */
static void parse_device(const char *arg)
{
	char path[PATH_MAX];
	struct stat st;

	if (opts.device)
		cli_usage_error("more than one device: '%s'", cli_shown(arg));
	if (!*arg)
		cli_bad_value("DEVICE", arg, "empty");
	snprintf(path, sizeof(path), "%s%s", arg[0] == '/' ? "" : "/dev/pts/", arg);
	if (stat(path, &st))
		cli_bad_value("DEVICE", arg, "no such terminal device");
	if (!S_ISCHR(st.st_mode))
		cli_bad_value("DEVICE", arg, "not a character device");
	opts.device = arg;
	opts.dev = KDEV(major(st.st_rdev), minor(st.st_rdev));
}

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)state;
	switch (key) {
	case 'C':
		opts.noclear = true;
		return 0;
	case 's':
		opts.size = cli_parse_long("-s", arg, 1, DATA_MAX);
		return 0;
	case 'c':
		opts.count = cli_parse_long("-c", arg, 1, CHUNKS_MAX);
		return 0;
	case ARGP_KEY_ARG:
		parse_device(arg);
		return 0;
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

static void tty_row(struct row *r, const void *rec)
{
	const struct tty_event *e = rec;

	row_secs(r, NULL, e->ts_ns);
	row_uint(r, NULL, "pid", 0, e->pid);
	row_uint(r, NULL, "tid", 0, e->tid);
	row_str(r, NULL, "comm", 0, e->comm, sizeof(e->comm));
	row_uint(r, NULL, "len", 0, e->len);
	row_str(r, NULL, "data", 0, e->data, e->len);
}

/* Text: the bytes as they were written, escaped but for newlines. */
static int on_event(void *ctx, const void *data, size_t size)
{
	const struct tty_event *e = data;
	const char *p, *end, *nl;

	(void)ctx;
	if (size < TTY_EVENT_HEADER_SIZE || e->len > DATA_MAX ||
	    size < TTY_EVENT_HEADER_SIZE + e->len)
		return 0;
	if (common_opts.json) {
		row_print(tty_row, e);
		return 0;
	}
	for (p = e->data, end = e->data + e->len; p < end; p = nl + 1) {
		nl = memchr(p, '\n', end - p);
		if (!nl)
			nl = end;
		print_escaped_col(stdout, p, nl - p, 0);
		if (nl < end)
			putchar('\n');
	}
	return 0;
}

/* As upstream, the screen is cleared first (on a terminal, unless -C). */
static void print_header(void)
{
	if (!opts.noclear && isatty(STDOUT_FILENO))
		fputs("\033[H\033[2J", stdout);
}

/*
 * tty_write() (fentry, else kprobe) where it takes an iov_iter (Linux
 * 5.11; iter_type from 5.14); else the write calls at entry.
 */
static int choose_hooks(struct ttysnoop_bpf *skel)
{
	typeof(skel->progs) *p = &skel->progs;
	struct bpf_program *tty[] = { p->tty_write_fentry, p->tty_write_kprobe };
	const struct syscall_pair tp[] = {
		{ NULL, p->write_enter },
		{ NULL, p->writev_enter },
		{ NULL, p->pwrite64_enter },
		{ NULL, p->pwritev_enter },
	};
	const struct syscall_pair raw = { NULL, p->sys_enter_raw };

	if (probe_btf_field("iov_iter", "iter_type") &&
	    hook_choose_optional(tty, ARRAY_SIZE(tty)) >= 0) {
		bpf_program__set_autoload(tp[0].exit, false);
		bpf_program__set_autoload(tp[1].exit, false);
		bpf_program__set_autoload(tp[2].exit, false);
		bpf_program__set_autoload(tp[3].exit, false);
		bpf_program__set_autoload(raw.exit, false);
		return 0;
	}
	bpf_program__set_autoload(tty[0], false);
	bpf_program__set_autoload(tty[1], false);
	return syscall_hooks_choose(skel->obj, "write()", tp, ARRAY_SIZE(tp), &raw) < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, "DEVICE", doc, NULL, NULL, NULL };
	struct ttysnoop_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	if (!opts.device)
		cli_usage_error("a terminal device is needed (e.g. /dev/pts/2, or 2)");
	skel = TOOL_OPEN(ttysnoop_bpf);
	if (!skel)
		return 1;
	skel->rodata->target_dev = opts.dev;
	skel->rodata->data_size = opts.size;
	skel->rodata->data_count = opts.count;
	if (!choose_hooks(skel))
		err = tool_run_events(&(struct tool_events){
			.skel = skel->skeleton,
			.on_event = on_event,
			.print_header = print_header,
		});
	ttysnoop_bpf__destroy(skel);
	return err;
}

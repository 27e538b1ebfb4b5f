// SPDX-License-Identifier: GPL-2.0
/* filetop: the files read and written most, per thread, per interval, as a live table. */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "hist.h"
#include "probe.h"
#include "syscalls.h"
#include "tool.h"
#include "top.h"
#include "filetop.h"
#include "filetop.skel.h"

enum sort_by { SORT_ALL, SORT_READS, SORT_WRITES, SORT_RBYTES, SORT_WBYTES };

static struct {
	enum sort_by sort;
	bool all;
} opts;

static const struct opt_pick picks[] = {
	{ OPT_NOCLEAR, 'C', NULL, "Don't clear the screen" },
	{ OPT_MAXROWS, 'r', "rows", "Maximum rows to print, default 20" },
	{ OPT_PID, 'p', NULL, "Trace this process only (or these: PID,PID...)" },
	{ OPT_INTERVAL, 0, NULL, NULL },
	{},
};

static const struct argp_option options[] = {
	{ "all", 'a', NULL, 0, "Include special files (sockets, pipes, devices)", 0 },
	{ "sort", 's', "SORT", 0, "Sort columns, default all [all, reads, writes, rbytes, wbytes]",
	  0 },
	{},
};

static const char doc[] =
	"File reads and writes by thread: calls and Kbytes per file, refreshed every "
	"interval (1 second by default).\v"
	"Where the kernel has neither fentry/fexit nor kprobes, the read and write system "
	"calls are counted, each file found from its descriptor (see filetop(8)).\n\n"
	"Examples:\n"
	"  filetop            # file I/O top, refresh every 1s\n"
	"  filetop -p 1216    # only trace PID 1216\n"
	"  filetop 5 10       # 5s summaries, 10 times\n"
	"  filetop -a -s wbytes  # sockets, pipes and devices too, most written first\n"
	"  filetop -C -r 5    # don't clear the screen, top 5 rows\n"
	"  filetop --json 5   # one JSON object every 5 seconds";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	static const char *const names[] = { "all", "reads", "writes", "rbytes", "wbytes" };
	size_t i;

	(void)state;
	switch (key) {
	case 'a':
		opts.all = true;
		return 0;
	case 's':
		for (i = 0; i < ARRAY_SIZE(names); i++) {
			if (!strcmp(arg, names[i])) {
				opts.sort = i;
				return 0;
			}
		}
		cli_bad_value("-s", arg, "not one of all, reads, writes, rbytes, wbytes");
	default:
		return ARGP_ERR_UNKNOWN;
	}
}

/* A row as hist_drain lays it out: the map's key, then its value. */
struct rec {
	struct file_key key;
	struct file_stat val;
};

static struct rec recs[MAX_FILES];

static void file_row(struct row *r, const void *p)
{
	const struct rec *e = p;
	const struct file_stat *s = &e->val;
	char type[2] = { s->type, '\0' };

	row_uint(r, NULL, "pid", 0, e->key.pid);
	row_uint(r, "TID", "tid", -7, e->key.tid);
	row_str(r, "COMM", "comm", -16, s->comm, sizeof(s->comm));
	row_uint(r, "READS", "reads", -6, s->reads);
	row_uint(r, "WRITES", "writes", -6, s->writes);
	row_uint(r, "R_Kb", "read_kb", -7, s->rbytes / 1024);
	row_uint(r, "W_Kb", "write_kb", -7, s->wbytes / 1024);
	row_uint(r, NULL, "read_bytes", 0, s->rbytes);
	row_uint(r, NULL, "write_bytes", 0, s->wbytes);
	row_str(r, "T", "type", 1, type, sizeof(type));
	row_uint(r, NULL, "dev", 0, e->key.dev);
	row_uint(r, NULL, "ino", 0, e->key.ino);
	row_str(r, "FILE", "file", 0, s->name, sizeof(s->name));
}

static uint64_t sort_value(const struct file_stat *s)
{
	switch (opts.sort) {
	case SORT_READS:
		return s->reads;
	case SORT_WRITES:
		return s->writes;
	case SORT_RBYTES:
		return s->rbytes;
	case SORT_WBYTES:
		return s->wbytes;
	default:
		return s->reads + s->writes + s->rbytes + s->wbytes;
	}
}

/* Largest first; ties by the key (PID, TID, file), so the order is stable. */
static int by_sort(const void *pa, const void *pb)
{
	const struct rec *a = pa, *b = pb;
	int c = top_cmp_desc(sort_value(&a->val), sort_value(&b->val));

	return c ? c : memcmp(&a->key, &b->key, sizeof(a->key));
}

static int print_top(void *ctx)
{
	struct filetop_bpf *skel = ctx;
	int n = hist_drain(bpf_map__fd(skel->maps.counts),
			   &(struct hist_records){
				   .recs = recs,
				   .rec_size = sizeof(recs[0]),
				   .value_off = offsetof(struct rec, val),
				   .max = MAX_FILES,
			   });

	if (n < 0) {
		cli_warn("cannot read the file counts: %s", strerror(-n));
		return -1;
	}
	return top_print(&(struct top_view){
		.row = file_row,
		.recs = recs,
		.n = n,
		.rec_size = sizeof(recs[0]),
		.cmp = by_sort,
		.rows_key = "files",
	});
}

static void disable(struct bpf_program *const *progs, size_t n)
{
	while (n--)
		bpf_program__set_autoload(progs[n], false);
}

/*
 * vfs_read and vfs_write as they return: fexit, else kprobe + kretprobe.
 * Returns 1 when neither works here, 0 when chosen, -1 after a message.
 */
static int choose_vfs(struct filetop_bpf *skel)
{
	typeof(skel->progs) *p = &skel->progs;
	struct bpf_program *rd[] = { p->vfs_read_fexit, p->vfs_read_kprobe };
	struct bpf_program *wr[] = { p->vfs_write_fexit, p->vfs_write_kprobe };
	struct bpf_program *ret[] = { p->vfs_read_kretprobe, p->vfs_write_kretprobe };
	int k = hook_choose_optional(rd, ARRAY_SIZE(rd));

	if (k < 0) {
		disable(wr, ARRAY_SIZE(wr));
		disable(ret, ARRAY_SIZE(ret));
		return 1;
	}
	disable(wr, ARRAY_SIZE(wr));
	if (hook_choose("vfs_write", &wr[k], 1) < 0)
		return -1;
	if (k == 0) {
		disable(ret, ARRAY_SIZE(ret));
		return 0;
	}
	bpf_map__set_max_entries(skel->maps.pending, probe_threads_room(1, 1024));
	if (hook_choose("the return of vfs_read", &ret[0], 1) < 0 ||
	    hook_choose("the return of vfs_write", &ret[1], 1) < 0)
		return -1;
	return 0;
}

/* A call's programs: its exit alone, or its entry and exit. */
#define CALL(c)                                             \
	{                                                   \
		p->c##_exit_regs, p->c##_enter, p->c##_exit \
	}

/*
 * The read and write system calls: read() in every kernel, the others where
 * the kernel has them; with bpf_task_pt_regs() (Linux 5.15) the exit alone
 * sees the descriptor.  Without syscall tracepoints, raw_syscalls' exit.
 */
static int choose_syscalls(struct filetop_bpf *skel)
{
	typeof(skel->progs) *p = &skel->progs;
	struct bpf_program *calls[][3] = {
		CALL(read),   CALL(write),  CALL(pread64), CALL(pwrite64), CALL(readv),
		CALL(writev), CALL(preadv), CALL(pwritev), CALL(preadv2),  CALL(pwritev2),
	};
	bool alone = probe_helper("task_pt_regs", BPF_FUNC_task_pt_regs);
	struct syscall_pair tp[ARRAY_SIZE(calls)];
	const struct syscall_pair raw = { NULL, p->sys_exit_raw };
	size_t i;
	int how;

	for (i = 0; i < ARRAY_SIZE(calls); i++)
		tp[i] = alone ? (struct syscall_pair){ NULL, calls[i][0] }
			      : (struct syscall_pair){ calls[i][1], calls[i][2] };
	how = syscall_hooks_choose(skel->obj, "read()", tp, ARRAY_SIZE(tp), &raw);
	if (how == SYSCALL_HOOKS_TRACEPOINTS && !alone)
		bpf_map__set_max_entries(skel->maps.fds, probe_threads_room(1, 1024));
	if (how >= 0 && common_opts.verbose)
		fprintf(stderr, "filetop: system calls, the descriptor read %s\n",
			how == SYSCALL_HOOKS_RAW ? "from the registers at exit"
			: alone			 ? "from saved registers at exit"
						 : "at entry");
	return how < 0 ? -1 : 0;
}

static int choose_hooks(struct filetop_bpf *skel)
{
	struct bpf_program *prog;
	int vfs = choose_vfs(skel);

	if (vfs <= 0) {
		bpf_object__for_each_program(prog, skel->obj)
		{
			enum hook_kind k = hook_kind_of(prog);

			if (k == HOOK_TRACEPOINT || k == HOOK_RAW_TP)
				bpf_program__set_autoload(prog, false);
		}
		return vfs;
	}
	return choose_syscalls(skel);
}

int main(int argc, char **argv)
{
	static const struct argp argp = { options, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct filetop_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	if (gopts.interval == INT_MAX)
		gopts.interval = 1;
	skel = TOOL_OPEN(filetop_bpf);
	if (!skel)
		return 1;
	skel->rodata->regular_only = !opts.all;
	if (!choose_hooks(skel))
		err = tool_run_intervals(&(struct tool_intervals){
			.skel = skel->skeleton,
			.print_interval = print_top,
			.ctx = skel,
			.lines = true,
		});
	filetop_bpf__destroy(skel);
	return err;
}

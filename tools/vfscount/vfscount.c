// SPDX-License-Identifier: GPL-2.0
/* vfscount: count calls of the kernel's VFS functions (vfs_*), per function. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "hist.h"
#include "kfuncs.h"
#include "ksyms.h"
#include "output.h"
#include "probe.h"
#include "row.h"
#include "symtab.h"
#include "tool.h"
#include "vfscount.h"
#include "vfscount.skel.h"

enum attach_kind { VIA_FENTRY, VIA_KPROBE_MULTI, VIA_KPROBE };

static const char *const kind_names[] = {
	[VIA_FENTRY] = "fentry",
	[VIA_KPROBE_MULTI] = "kprobe_multi",
	[VIA_KPROBE] = "kprobe",
};

static struct {
	struct vfscount_bpf *skel;
	enum attach_kind kind;
	char **names; /* the traceable vfs_* functions */
	int nnames;
	struct bpf_link *links[VFS_FUNCS_MAX + 1];
	int nlinks;
	int fds[VFS_FUNCS_MAX]; /* fentry clones' links */
	int nfds;
	struct ksyms *ksyms;
} run;

static struct vfs_row {
	struct vfs_rec rec;
	const char *func;
	uint64_t addr;
} rows[VFS_FUNCS_MAX];

static const struct opt_pick picks[] = {
	{ OPT_PID, 'p', NULL, "Count the calls of this process only (or these: PID,PID...)" },
	{ OPT_CGROUP, 'c', NULL, NULL },
	{ OPT_DURATION, 0, NULL, NULL },
	{},
};

static const char doc[] =
	"Count calls of the kernel's VFS functions (vfs_*), per function, until "
	"Ctrl-C or for DURATION seconds; then print them, fewest first.\v"
	"Every vfs_* function ftrace can trace is counted: through kprobe.multi (one "
	"attachment), else a kprobe per function, else fentry (a program per "
	"function).  Needs kprobes or fentry: no tracepoint marks these calls (see "
	"vfscount(8)).\n\n"
	"Examples:\n"
	"  vfscount               # count until Ctrl-C\n"
	"  vfscount 10            # count for 10 seconds\n"
	"  vfscount -p 185        # calls of process 185 only\n"
	"  vfscount --json 5      # one JSON object at the end";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)key;
	(void)arg;
	(void)state;
	return ARGP_ERR_UNKNOWN;
}

static void vfs_row(struct row *r, const void *rec)
{
	const struct vfs_row *v = rec;
	char addr[24];

	snprintf(addr, sizeof(addr), r->mode == ROW_JSON ? "0x%" PRIx64 : "%-16" PRIx64, v->addr);
	row_str(r, "ADDR", "addr", -16, addr, sizeof(addr));
	row_str(r, "FUNC", "func", -26, v->func, 128);
	row_uint(r, "COUNT", "count", 8, v->rec.count);
}

static int cmp_count(const void *a, const void *b)
{
	const struct vfs_row *x = a, *y = b;

	if (x->rec.count != y->rec.count)
		return x->rec.count < y->rec.count ? -1 : 1;
	return x->rec.ip < y->rec.ip ? -1 : x->rec.ip > y->rec.ip;
}

/* The function an address is in: its name and start (an address from a kprobe may be past it). */
static void name_row(struct vfs_row *v)
{
	struct sym s;

	if (!run.ksyms)
		run.ksyms = ksyms_load();
	if (run.ksyms && ksyms_resolve(run.ksyms, v->rec.ip, &s) && s.name) {
		v->func = s.name;
		v->addr = v->rec.ip - s.offset;
	} else {
		v->func = "[unknown]";
		v->addr = v->rec.ip;
	}
}

/* JSON: {"time":"HH:MM:SS","funcs":[{"addr":..,"func":..,"count":..}, ...]}. */
static void print_json(int n)
{
	struct row r = { .mode = ROW_JSON, .f = stdout };
	char hms[16];
	int i;

	json_begin(&r.j, stdout);
	json_str(&r.j, "time", time_hms(hms, sizeof(hms)));
	json_arr_begin(&r.j, "funcs");
	for (i = 0; i < n; i++) {
		json_obj_begin(&r.j, NULL);
		vfs_row(&r, &rows[i]);
		json_obj_end(&r.j);
	}
	json_arr_end(&r.j);
	json_end(&r.j);
}

static int print_counts(void *ctx)
{
	int i, n;

	(void)ctx;
	n = hist_drain(bpf_map__fd(run.skel->maps.counts),
		       &(struct hist_records){ .recs = rows,
					       .rec_size = sizeof(rows[0]),
					       .value_off = offsetof(struct vfs_row, rec.count),
					       .max = VFS_FUNCS_MAX,
					       .cmp = cmp_count });
	if (n < 0) {
		cli_warn("cannot read the counts: %s", strerror(-n));
		return n;
	}
	for (i = 0; i < n; i++)
		name_row(&rows[i]);
	if (common_opts.json) {
		print_json(n);
		return 0;
	}
	row_print_header(vfs_row, &(struct vfs_row){});
	for (i = 0; i < n; i++)
		row_print(vfs_row, &rows[i]);
	return 0;
}

static void say_attached(const char *func, const char *why)
{
	if (!common_opts.verbose)
		return;
	if (why)
		fprintf(stderr, "%s: %s not counted: %s\n", program_invocation_short_name, func,
			why);
	else
		fprintf(stderr, "%s: %s via %s\n", program_invocation_short_name, func,
			kind_names[run.kind]);
}

/* One function: the fentry program (vfs_read, as loaded) or a clone, or a kprobe. */
static int attach_one(const char *func)
{
	struct bpf_link *link;
	int fd;

	if (run.kind == VIA_FENTRY && strcmp(func, "vfs_read")) {
		fd = kfunc_fentry_clone(run.skel->progs.vfs_fentry, func);
		if (fd >= 0)
			run.fds[run.nfds++] = fd;
		return fd < 0 ? fd : 0;
	}
	link = run.kind == VIA_FENTRY
		       ? bpf_program__attach(run.skel->progs.vfs_fentry)
		       : bpf_program__attach_kprobe(run.skel->progs.vfs_kprobe, false, func);
	if (!link)
		return -errno;
	run.links[run.nlinks++] = link;
	return 0;
}

/* Every function at once; false (and per-function kprobes instead) if the kernel refuses. */
static bool attach_multi(void)
{
	LIBBPF_OPTS(bpf_kprobe_multi_opts, o, .syms = (const char **)run.names, .cnt = run.nnames);
	struct bpf_link *link;
	int i;

	link = bpf_program__attach_kprobe_multi_opts(run.skel->progs.vfs_kprobe_multi, NULL, &o);
	if (!link)
		return false;
	run.links[run.nlinks++] = link;
	for (i = 0; i < run.nnames; i++)
		say_attached(run.names[i], NULL);
	return true;
}

static int attach_all(void *ctx)
{
	int i, err, attached = 0;

	(void)ctx;
	if (run.kind == VIA_KPROBE_MULTI) {
		if (attach_multi())
			return 0;
		run.kind = VIA_KPROBE;
	}
	for (i = 0; i < run.nnames; i++) {
		err = attach_one(run.names[i]);
		say_attached(run.names[i], err ? strerror(-err) : NULL);
		attached += !err;
	}
	if (!attached) {
		cli_warn("cannot attach to any vfs_* function (run with -v for details)");
		return -1;
	}
	return 0;
}

/* kprobe.multi needs CONFIG_FPROBE (Linux 5.18+), whose link type is then in BTF. */
static bool have_kprobe_multi(void)
{
	return !hook_avoided("kprobe_multi") && probe_btf_type("bpf_kprobe_multi_link");
}

/*
 * kprobe.multi where the kernel has it: one attachment for every function,
 * and one detachment.  Else a kprobe per function, else fentry: cheaper per
 * call, but each function gets a trampoline whose removal is slow, measured
 * in the guests (80 functions, under emulation): 9.9 s to stop on 6.1 against
 * 4.6 s with kprobes, and on 6.12 (an ftrace ops per trampoline since 6.3,
 * each removal an RCU-tasks grace period) 12.8 s against 5.9 s.  The
 * functions are attached by attach_all, not by the skeleton.
 */
static int choose_hooks(struct vfscount_bpf *skel)
{
	struct bpf_program *f = skel->progs.vfs_fentry, *k = skel->progs.vfs_kprobe;
	struct bpf_program *m = skel->progs.vfs_kprobe_multi;
	const char *why_f, *why_k;

	bpf_program__set_autoattach(f, false);
	bpf_program__set_autoattach(k, false);
	bpf_program__set_autoattach(m, false);
	if (hook_available(k, &why_k)) {
		run.kind = have_kprobe_multi() ? VIA_KPROBE_MULTI : VIA_KPROBE;
	} else if (hook_available(f, &why_f)) {
		run.kind = VIA_FENTRY;
	} else {
		cli_warn("this machine has no hook for the VFS functions: kprobe vfs_read: %s; "
			 "fentry vfs_read: %s",
			 why_k, why_f);
		return -1;
	}
	bpf_program__set_autoload(f, run.kind == VIA_FENTRY);
	bpf_program__set_autoload(k, run.kind != VIA_FENTRY);
	bpf_program__set_autoload(m, run.kind == VIA_KPROBE_MULTI);
	run.nnames = kfunc_list("vfs_", VFS_FUNCS_MAX, &run.names);
	if (run.nnames <= 0) {
		cli_warn("cannot list the traceable vfs_* functions "
			 "(tracefs available_filter_functions): %s",
			 run.nnames ? strerror(-run.nnames) : "none");
		return -1;
	}
	return 0;
}

static void detach_all(void)
{
	int i;

	for (i = 0; i < run.nlinks; i++)
		bpf_link__destroy(run.links[i]);
	for (i = 0; i < run.nfds; i++)
		close(run.fds[i]);
	for (i = 0; i < run.nnames; i++)
		free(run.names[i]);
	free(run.names);
	ksyms_free(run.ksyms);
}

int main(int argc, char **argv)
{
	static const struct argp argp = { NULL, parse_opt, NULL, doc, NULL, NULL, NULL };
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	run.skel = TOOL_OPEN(vfscount_bpf);
	if (!run.skel)
		return 1;
	if (!choose_hooks(run.skel))
		err = tool_run_intervals(&(struct tool_intervals){
			.skel = run.skel->skeleton,
			.banner = "Tracing... Ctrl-C to end.",
			.print_interval = print_counts,
			.attach = attach_all,
		});
	detach_all();
	vfscount_bpf__destroy(run.skel);
	return err;
}

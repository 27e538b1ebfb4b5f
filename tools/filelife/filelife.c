// SPDX-License-Identifier: GPL-2.0
/* filelife: files created and deleted while tracing, with their age. */
#include <stdio.h>
#include <string.h>

#include "probe.h"
#include "row.h"
#include "syscalls.h"
#include "tool.h"
#include "filelife.h"
#include "filelife.skel.h"

static const struct opt_pick picks[] = {
	{ OPT_PID, 'p', NULL, "Trace this process only (or these: PID,PID...)" },
	{ OPT_DURATION, 'd', NULL, NULL },
	{},
};

static const char doc[] =
	"Trace the lifespan of short-lived files: each file created and then deleted "
	"while tracing, with its age.\v"
	"PID and COMM are the process that deleted the file.  Where the kernel has neither "
	"fentry/fexit nor kprobes, creates are the opens that created their file and "
	"deletes come from ext4's and xfs's tracepoints, else from unlink() matched by "
	"name (see filelife(8)).\n\n"
	"Examples:\n"
	"  filelife           # trace all events\n"
	"  filelife -p 123    # trace pid 123\n"
	"  filelife --json    # one JSON object per file";

static error_t parse_opt(int key, char *arg, struct argp_state *state)
{
	(void)key;
	(void)arg;
	(void)state;
	return ARGP_ERR_UNKNOWN;
}

static void life_row(struct row *r, const void *rec)
{
	static const char *const hows[] = { "exact", "dir", "name" };
	const struct life_event *e = rec;

	row_hms(r, "TIME    ");
	row_uint(r, "PID", "pid", -6, e->pid);
	row_uint(r, NULL, "tid", 0, e->tid);
	row_str(r, "COMM", "comm", -16, e->comm, sizeof(e->comm));
	row_double(r, "AGE(s)", "age_s", -7, 2, e->age_ns / 1e9);
	row_uint(r, NULL, "age_ns", 0, e->age_ns);
	row_str(r, NULL, "match", 0, e->how < ARRAY_SIZE(hows) ? hows[e->how] : "?", 8);
	row_str(r, "FILE", "file", 0, e->name, sizeof(e->name));
}

static void disable(struct bpf_program *const *progs, size_t n)
{
	while (n--)
		bpf_program__set_autoload(progs[n], false);
}

static void disable_kind(struct bpf_object *obj, bool vfs)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, obj)
	{
		enum hook_kind k = hook_kind_of(prog);
		bool is_vfs = k == HOOK_FEXIT || k == HOOK_KPROBE || k == HOOK_KRETPROBE;

		if (is_vfs == vfs)
			bpf_program__set_autoload(prog, false);
	}
}

/*
 * vfs_unlink, vfs_open and vfs_create: fexit, else kprobe (with a kretprobe
 * on vfs_unlink for its result).  1: neither works here; -1: said why.
 */
static int choose_vfs(struct filelife_bpf *skel)
{
	typeof(skel->progs) *p = &skel->progs;
	struct bpf_program *unl[] = { p->vfs_unlink_fexit, p->vfs_unlink_kprobe };
	struct bpf_program *opn[] = { p->vfs_open_fexit, p->vfs_open_kprobe };
	struct bpf_program *crt[] = { p->vfs_create_fexit, p->vfs_create_kprobe };
	int k = hook_choose_optional(unl, ARRAY_SIZE(unl));

	if (k < 0) {
		disable_kind(skel->obj, true);
		return 1;
	}
	disable_kind(skel->obj, false);
	disable(opn, ARRAY_SIZE(opn));
	disable(crt, ARRAY_SIZE(crt));
	if (hook_choose("vfs_open", &opn[k], 1) < 0 || hook_choose("vfs_create", &crt[k], 1) < 0)
		return -1;
	if (k == 0) {
		bpf_program__set_autoload(p->vfs_unlink_kretprobe, false);
		return 0;
	}
	bpf_map__set_max_entries(skel->maps.pending, probe_threads_room(1, 1024));
	return hook_choose("the return of vfs_unlink", &p->vfs_unlink_kretprobe, 1) < 0 ? -1 : 0;
}

/*
 * ext4's and xfs's unlink tracepoints where the kernel has them (tp_btf,
 * else raw_tp); the opens' exits; unlink() and unlinkat() at their exit,
 * alone with bpf_task_pt_regs() (Linux 5.15), else after their entry.
 */
static int choose_syscalls(struct filelife_bpf *skel)
{
	typeof(skel->progs) *p = &skel->progs;
	struct bpf_program *ext4[] = { p->ext4_unlink_btf, p->ext4_unlink_raw };
	struct bpf_program *xfs[] = { p->xfs_remove_btf, p->xfs_remove_raw };
	bool alone = probe_helper("task_pt_regs", BPF_FUNC_task_pt_regs);
	struct syscall_pair tp[] = {
		{ NULL, p->openat_exit },
		{ NULL, p->open_exit },
		{ NULL, p->openat2_exit },
		{ NULL, p->creat_exit },
		{ alone ? NULL : p->unlinkat_enter,
		  alone ? p->unlinkat_exit_regs : p->unlinkat_exit },
		{ alone ? NULL : p->unlink_enter, alone ? p->unlink_exit_regs : p->unlink_exit },
	};
	const struct syscall_pair raw = { NULL, p->sys_exit_raw };
	int how;

	hook_choose_optional(ext4, ARRAY_SIZE(ext4));
	hook_choose_optional(xfs, ARRAY_SIZE(xfs));
	how = syscall_hooks_choose(skel->obj, "openat()", tp, ARRAY_SIZE(tp), &raw);
	if (how == SYSCALL_HOOKS_TRACEPOINTS && !alone)
		bpf_map__set_max_entries(skel->maps.stash, probe_threads_room(1, 1024));
	return how < 0 ? -1 : 0;
}

static int choose_hooks(struct filelife_bpf *skel)
{
	int vfs = choose_vfs(skel);

	return vfs <= 0 ? vfs : choose_syscalls(skel);
}

int main(int argc, char **argv)
{
	static const struct argp argp = { NULL, parse_opt, NULL, doc, NULL, NULL, NULL };
	struct filelife_bpf *skel;
	int err = 1;

	tool_parse(&argp, picks, argc, argv);
	skel = TOOL_OPEN(filelife_bpf);
	if (!skel)
		return 1;
	if (!choose_hooks(skel))
		err = tool_run_events(&(struct tool_events){
			.skel = skel->skeleton,
			.row = life_row,
			.rec_size = sizeof(struct life_event),
			.rec_min = sizeof(struct life_event),
		});
	filelife_bpf__destroy(skel);
	return err;
}

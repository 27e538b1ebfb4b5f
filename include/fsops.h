/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The hooks of fsslower and fsdist (include/bpf/fsops.bpf.h): a file
 * system's own functions where fentry/fexit or kprobes work, else the system
 * calls that reach it, filtered by its magic.
 *
 *	static struct fsops ops = { .fs = fs, .ops = FS_OPS_ALL };
 *	if (fsops_choose(&ops, skel->obj) < 0) ...      (before load; said why)
 *	tool_run_events(&(struct tool_events){ ..., .attach = fsops_attach, .ctx = &ops });
 *	fsops_detach(&ops);
 */
#ifndef BPFSCOPE_FSOPS_H
#define BPFSCOPE_FSOPS_H

#include <stdbool.h>

#include "fstypes.h"

struct bpf_object;
struct bpf_link;

#define FS_OPS_ALL ((1u << FS_OP_MAX) - 1)

struct fsops {
	const struct fstype *fs;
	unsigned int ops; /* the operations wanted: bits 1 << enum fs_op */
	/* Set by fsops_choose: */
	struct bpf_object *obj;
	bool exact;		 /* the file system's functions; else system calls */
	bool kprobes[FS_OP_MAX]; /* exact: this operation by kprobe (else fentry/fexit) */
	struct bpf_link *links[2 * FS_OP_MAX]; /* the kprobes fsops_attach made */
	int nlinks;
};

/*
 * Before load: keep the programs of the best way to see f->ops of f->fs on
 * this kernel, give the fentry/fexit ones their targets, and size the maps.
 * With -v, names each hook ("fsslower: xfs_file_read_iter via fentry") and,
 * for the system calls, why the exact path was not taken.  Returns 0, or -1
 * after one line saying what the kernel lacks.
 */
int fsops_choose(struct fsops *f, struct bpf_object *obj);

/*
 * After load (a runner's attach callback, ctx a struct fsops): the kprobes of
 * the exact path, and for stats by path the devices the file system is
 * mounted from.  Returns 0, or -1 after saying why.
 */
int fsops_attach(void *ctx);

/* Detach what fsops_attach attached. */
void fsops_detach(struct fsops *f);

#endif

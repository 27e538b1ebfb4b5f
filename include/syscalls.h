/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tool that traces system calls by their entry and exit: the syscall
 * tracepoints (syscalls:sys_enter_X / sys_exit_X) where the kernel has them,
 * else raw_syscalls (raw_tp sys_enter / sys_exit, every call, picked by
 * number on the BPF side: include/bpf/syscalls.bpf.h).
 *
 *	const struct syscall_pair tp[] = {
 *		{ skel->progs.execve_enter, skel->progs.execve_exit },
 *		{ skel->progs.execveat_enter, skel->progs.execveat_exit },
 *	};
 *	const struct syscall_pair raw = { skel->progs.sys_enter_raw, skel->progs.sys_exit_raw };
 *	if (syscall_hooks_choose(skel->obj, "execve()", tp, ARRAY_SIZE(tp), &raw) < 0) ...
 */
#ifndef BPFSCOPE_SYSCALLS_H
#define BPFSCOPE_SYSCALLS_H

#include <stddef.h>

struct bpf_object;
struct bpf_program;

/* The programs that trace one call: enter NULL when the exit alone does. */
struct syscall_pair {
	struct bpf_program *enter;
	struct bpf_program *exit;
};

enum syscall_hooks {
	SYSCALL_HOOKS_TRACEPOINTS, /* tp[] as the kernel has them */
	SYSCALL_HOOKS_RAW,	   /* raw */
};

/*
 * Choose before load.  tp[0] is the call every kernel has ('what' names it in
 * messages: "cannot trace execve() entry on this kernel: ..."), tp[1..n-1]
 * calls a kernel may lack, each traced where both its tracepoints exist.
 * Without tp[0]'s tracepoints the raw pair is used (raw.enter NULL: the exit
 * alone).  Every other program of obj on a syscall hook is disabled.  With -v
 * each hook chosen is named.  Returns an enum syscall_hooks, or -1 after one
 * line naming what each way lacks.
 */
int syscall_hooks_choose(struct bpf_object *obj, const char *what, const struct syscall_pair *tp,
			 size_t n, const struct syscall_pair *raw);

#endif

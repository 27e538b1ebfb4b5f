// SPDX-License-Identifier: GPL-2.0
/* Syscall entry/exit hooks: tracepoints, else raw_syscalls; see include/syscalls.h. */
#include <stdio.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "probe.h"
#include "syscalls.h"

/* A syscalls:* tracepoint, or raw_syscalls' sys_enter/sys_exit. */
static bool is_syscall_hook(const struct bpf_program *prog)
{
	const char *target = hook_target(prog);

	switch (hook_kind_of(prog)) {
	case HOOK_TRACEPOINT:
		return strstr(bpf_program__section_name(prog), "/syscalls/") != NULL;
	case HOOK_RAW_TP:
	case HOOK_TP_BTF:
		return !strcmp(target, "sys_enter") || !strcmp(target, "sys_exit");
	default:
		return false;
	}
}

static void disable_syscall_hooks(struct bpf_object *obj)
{
	struct bpf_program *prog;

	bpf_object__for_each_program(prog, obj)
	{
		if (is_syscall_hook(prog))
			bpf_program__set_autoload(prog, false);
	}
}

static void disable_pair(const struct syscall_pair *p)
{
	if (p->enter)
		bpf_program__set_autoload(p->enter, false);
	bpf_program__set_autoload(p->exit, false);
}

/* "execve() entry" / "execve() exit" for a pair, "openat()" for an exit alone. */
static const char *label(char *buf, size_t len, const char *what, const struct syscall_pair *p,
			 bool exit)
{
	if (!p->enter)
		return what;
	snprintf(buf, len, "%s %s", what, exit ? "exit" : "entry");
	return buf;
}

/* Keep one program of a pair: what NULL: an optional call, disabled quietly. */
static int keep(const char *what, const struct syscall_pair *p, bool exit)
{
	struct bpf_program *prog = exit ? p->exit : p->enter;
	char buf[128];

	if (what)
		return hook_choose(label(buf, sizeof(buf), what, p, exit), &prog, 1);
	return hook_choose_optional(&prog, 1);
}

static int choose_pair(const char *what, const struct syscall_pair *p)
{
	if ((p->enter && keep(what, p, false) < 0) || keep(what, p, true) < 0) {
		disable_pair(p);
		return what ? -1 : 0;
	}
	return 0;
}

/* The first call's first tracepoint is missing: raw_syscalls, or say what both ways lack. */
static int choose_raw(const char *what, const struct syscall_pair *tp,
		      const struct syscall_pair *raw)
{
	struct bpf_program *alts[] = { tp->enter ? tp->enter : tp->exit,
				       raw->enter ? raw->enter : raw->exit };
	const struct syscall_pair *named = raw->enter ? tp : raw; /* both entries, or "what" */
	char buf[128];

	if (hook_choose(label(buf, sizeof(buf), what, named, false), alts, 2) != 1)
		return -1;
	if (raw->enter && hook_choose(label(buf, sizeof(buf), what, raw, true), &raw->exit, 1) < 0)
		return -1;
	return SYSCALL_HOOKS_RAW;
}

int syscall_hooks_choose(struct bpf_object *obj, const char *what, const struct syscall_pair *tp,
			 size_t n, const struct syscall_pair *raw)
{
	const char *why;
	size_t i;

	disable_syscall_hooks(obj);
	if (!hook_available(tp[0].enter ? tp[0].enter : tp[0].exit, &why))
		return choose_raw(what, &tp[0], raw);
	for (i = 0; i < n; i++) {
		if (choose_pair(i ? NULL : what, &tp[i]))
			return -1;
	}
	return SYSCALL_HOOKS_TRACEPOINTS;
}

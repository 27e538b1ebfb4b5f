// SPDX-License-Identifier: GPL-2.0
/*
 * syscall_hooks_choose (lib/syscalls.c) on the objects of the tools that use
 * it: the syscall tracepoints where the kernel has them, raw_syscalls when
 * they are avoided, one line when neither is usable, and no other syscall
 * program left to load.  Nothing is loaded.  Run from the top of the tree, as root.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

#include "probe.h"
#include "shared.h"
#include "syscalls.h"
#include "unit.h"

static int silent(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

static struct bpf_program *prog(struct bpf_object *obj, const char *name)
{
	struct bpf_program *p = bpf_object__find_program_by_name(obj, name);

	if (!p) {
		fprintf(stderr, "test_syscalls: no program %s in the object\n", name);
		exit(1);
	}
	return p;
}

/* The programs left to load, as "a b c" in the object's order. */
static const char *loaded(struct bpf_object *obj)
{
	static char buf[1024];
	struct bpf_program *p;
	size_t n = 0;

	buf[0] = '\0';
	bpf_object__for_each_program(p, obj)
	{
		if (bpf_program__autoload(p))
			n += snprintf(buf + n, n < sizeof(buf) ? sizeof(buf) - n : 0, "%s%s",
				      n ? " " : "", bpf_program__name(p));
	}
	return buf;
}

/* Choose for execsnoop's programs with BPFSCOPE_AVOID=avoid; the result and what loads. */
static int execsnoop_choose(struct bpf_object *obj, const char *avoid)
{
	const struct syscall_pair tp[] = {
		{ prog(obj, "execve_enter"), prog(obj, "execve_exit") },
		{ prog(obj, "execveat_enter"), prog(obj, "execveat_exit") },
	};
	const struct syscall_pair raw = { prog(obj, "sys_enter_raw"), prog(obj, "sys_exit_raw") };

	setenv("BPFSCOPE_AVOID", avoid, 1);
	return syscall_hooks_choose(obj, "execve()", tp, ARRAY_SIZE(tp), &raw);
}

static void test_pairs(struct bpf_object *obj)
{
	int r = execsnoop_choose(obj, "");

	CHECK("syscalls: entry and exit tracepoints of both calls",
	      r == SYSCALL_HOOKS_TRACEPOINTS &&
		      !strcmp(loaded(obj), "execve_enter execve_exit execveat_enter execveat_exit"),
	      "returned %d, loads '%s'", r, loaded(obj));
	r = execsnoop_choose(obj, "tracepoint");
	CHECK("syscalls: raw_syscalls' entry and exit without tracepoints",
	      r == SYSCALL_HOOKS_RAW && !strcmp(loaded(obj), "sys_enter_raw sys_exit_raw"),
	      "returned %d, loads '%s'", r, loaded(obj));
	fprintf(stderr, "test_syscalls: a message is expected next:\n");
	r = execsnoop_choose(obj, "tracepoint,raw_tp");
	CHECK("syscalls: -1 when neither way is usable", r == -1, "returned %d", r);
}

/* opensnoop: exits alone, one variant of several per call; the others are left out. */
static void test_exits_alone(struct bpf_object *obj)
{
	const struct syscall_pair tp[] = {
		{ NULL, prog(obj, "openat_exit_regs") },
		{ NULL, prog(obj, "open_exit_regs") },
		{ NULL, prog(obj, "openat2_exit_regs") },
	};
	const struct syscall_pair raw = { NULL, prog(obj, "sys_exit_raw_full") };
	int r;

	setenv("BPFSCOPE_AVOID", "", 1);
	r = syscall_hooks_choose(obj, "openat()", tp, ARRAY_SIZE(tp), &raw);
	CHECK("syscalls: exits alone; every other syscall program left out",
	      r == SYSCALL_HOOKS_TRACEPOINTS &&
		      !strcmp(loaded(obj), "open_exit_regs openat_exit_regs openat2_exit_regs"),
	      "returned %d, loads '%s'", r, loaded(obj));
	setenv("BPFSCOPE_AVOID", "tracepoint", 1);
	r = syscall_hooks_choose(obj, "openat()", tp, ARRAY_SIZE(tp), &raw);
	CHECK("syscalls: raw_syscalls' exit alone",
	      r == SYSCALL_HOOKS_RAW && !strcmp(loaded(obj), "sys_exit_raw_full"),
	      "returned %d, loads '%s'", r, loaded(obj));
}

/* Run test on the tool's object (build/tools/TOOL/TOOL.bpf.o). */
static void with_object(const char *tool, void (*test)(struct bpf_object *obj))
{
	char path[256], name[300];
	struct bpf_object *obj;

	snprintf(path, sizeof(path), "build/tools/%s/%s.bpf.o", tool, tool);
	snprintf(name, sizeof(name), "syscalls: %s opens", path);
	obj = bpf_object__open(path);
	CHECK(name, obj, "run from the top of the tree, after make");
	if (obj)
		test(obj);
	bpf_object__close(obj);
}

int main(void)
{
	libbpf_set_print(silent);
	if (!probe_tracepoint("syscalls", "sys_enter_execveat") ||
	    !probe_tracepoint("syscalls", "sys_exit_openat2") || !probe_raw_tp("sys_enter")) {
		printf("skip - syscalls: the kernel lacks syscall tracepoints or raw_syscalls\n");
		return 0;
	}
	with_object("execsnoop", test_pairs);
	with_object("opensnoop", test_exits_alone);
	return unit_exit();
}

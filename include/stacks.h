/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The user side of stack tools (include/bpf/stacks.bpf.h is the kernel side):
 * cpu-clock sampling on every CPU, the stack trace map's size, naming the
 * frames of its stacks, and printing counted stacks folded, in BCC's
 * multi-line layout or as JSON.
 */
#ifndef BPFSCOPE_STACKS_H
#define BPFSCOPE_STACKS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "stack_types.h"

struct bpf_map;
struct bpf_program;

/* ------------------------------------------------------------- sampling */

#define CPU_SAMPLER_MAX_CPUS 4096

/* Online CPUs from sysfs: cpus[c] set for each below max; returns how many, or -errno. */
int cpus_online(bool *cpus, int max);

/* The cpu-clock: freq samples a second, else one every period ns of CPU time. */
struct cpu_clock {
	unsigned long long freq, period;
	int cpu; /* -C: this CPU only; -1: every online CPU */
};

/* What the kernel would refuse later, as a usage error (naming -F or -C) now. */
void cpu_clock_check(const struct cpu_clock *clock);

/* A cpu-clock perf event per CPU, each running prog; NULL after a message. */
struct cpu_sampler;
struct cpu_sampler *cpu_sampler_attach(struct bpf_program *prog, const struct cpu_clock *clock);
/* Detach every event (again is harmless), so the counts stand still. */
void cpu_sampler_stop(struct cpu_sampler *s);
void cpu_sampler_free(struct cpu_sampler *s);

/* --------------------------------------------------------- stack storage */

/*
 * --stack-storage-size: a stack map's entries are allocated when it is
 * created, ~1 KiB each at the default depth (2^20 entries: ~1 GiB of kernel
 * memory, ~0.2 s to create; 2^22 took ~4 GiB and 4-8 s here).
 */
#define STACK_STORAGE_MAX (1L << 20)

/*
 * Between open and load: room for entries stacks of up to
 * kernel.perf_event_max_stack frames (at most STACK_MAX_DEPTH).
 */
int stacks_size_map(struct bpf_map *stack_map, long entries);

/* The frames of stack id (leaf first) into ips; returns how many, or -1 if it is gone. */
int stack_read(int stack_map_fd, __s32 id, __u64 ips[STACK_MAX_DEPTH]);

/* --------------------------------------------------- naming and printing */

enum stack_format {
	STACK_MULTILINE, /* BCC's: frames leaf first, "- comm (pid)", count */
	STACK_FOLDED,	 /* "comm;root;...;leaf count", for flame graphs */
	STACK_JSON,	 /* a JSON object per stack */
};

struct stack_show {
	bool kernel, user; /* which stacks were recorded and are shown */
	bool delimited;	   /* "-" (folded) or "--" between user and kernel frames */
	bool annotate;	   /* "_[k]" after kernel frame names */
	/*
	 * Kernel stacks start at this function when it is in them: the frames
	 * above it are the hook's (the BPF program, a tracepoint's runners,
	 * which vary with the probes attached).  NULL: every frame.
	 */
	const char *kernel_from;
	enum stack_format format;
	/* JSON names of a key's pid and count; NULL: "pid" and "count". */
	const char *pid_name, *count_name;
	/* As kernel_from, for the wakers' kernel stacks of stacks_print_wake_counts(). */
	const char *waker_kernel_from;
};

/*
 * Names the stacks of one stack map.  Frames without a symbol show as
 * [unknown]; a stack the map could not hold shows as [Missed User Stack] or
 * [Missed Kernel Stack].
 */
struct stacks;
struct stacks *stacks_new(int stack_map_fd, const struct stack_show *show);
void stacks_free(struct stacks *s);

/*
 * events_fn (include/events.h) for struct new_stack, with the struct stacks
 * as ctx: names a user stack when it is first counted, while its process
 * still runs.  Every 10 s it also drops what was kept for processes that
 * have exited, so a long profile of many short processes does not grow
 * without bound.
 */
int stacks_on_new(void *ctx, const void *data, size_t size);

/*
 * Print every stack counted in counts_fd (struct stack_key -> __u64 samples,
 * drained through hist_drain(): the map is left empty) to stdout, least
 * sampled first; stacks that print alike are merged.  Then say on stderr how
 * many stacks were lost (samples counted_fd had no room for are counted as
 * missed on the BPF side, and reported by the runner with the events lost).
 */
void stacks_print_counts(struct stacks *s, int counts_fd);

/*
 * As stacks_print_counts(), for counts per pair of stacks (struct wake_key:
 * a blocked task's and its waker's), in one of BCC's two layouts.
 * WAKE_CHAIN (offwaketime): "waker: comm pid", the waker's frames root
 * first, "--", the target's frames leaf first, "target: comm pid"; folded
 * "target;its frames root first;--;the waker's leaf first;waker".
 * WAKE_BY_WAKER (wakeuptime: only the waker has stacks, pids are not shown):
 * "target: comm", the waker's frames leaf first, "waker: comm"; folded
 * "waker;its frames root first;target".  JSON: an object per pair, with
 * "waker" and "target" objects (comm, pid, stacks), the count and "folded".
 */
enum wake_layout { WAKE_CHAIN, WAKE_BY_WAKER };
void stacks_print_wake_counts(struct stacks *s, int counts_fd, enum wake_layout layout);

/*
 * The stacks of one event, copied into it on the BPF side (bpf_get_stack():
 * no stack map, which a long run of distinct stacks would fill), printed with
 * it (capable -K/-U; stacks_new() may then have -1 for the stack map).  Named
 * as they are printed: the user frames while the process of pid runs.  Text:
 * the frames under the event's line, as STACK_MULTILINE has them (kernel leaf
 * first, then user).  JSON: "user_stack" and "kernel_stack" arrays, root
 * first as STACK_JSON (null for a stack that could not be read), added to the
 * event's object.
 */
struct event_stacks {
	__u32 pid;
	const __u64 *kernel, *user; /* frames, leaf first */
	int nkernel, nuser;	    /* how many; < 0: bpf_get_stack()'s error (-EFAULT: none) */
};

/*
 * The stacks of one key of a tool's own map (a histogram or statistics per
 * stack: biostacks, futexctn, klockstat), named as stacks_print_counts()
 * names them (user frames of key->pid, cached by stack id).  Text: the
 * frames, kernel leaf first then user, a line each, indented as in
 * STACK_MULTILINE.  JSON: "user_stack" and "kernel_stack" arrays as
 * stacks_json_event() adds them.
 */
struct json;
void stacks_print_key(struct stacks *s, const struct stack_key *key);
void stacks_json_key(struct stacks *s, struct json *j, const struct stack_key *key);

void stacks_print_event(struct stacks *s, const struct event_stacks *e);
void stacks_json_event(struct stacks *s, struct json *j, const struct event_stacks *e);

#endif

// SPDX-License-Identifier: GPL-2.0
/*
 * syscount: count system calls per syscall or per process, with the time
 * spent in them (-L), aggregated in the kernel.
 *
 * A call is counted at its exit (raw_syscalls sys_exit), where its result is
 * known for -x and -e.  Without -L that is one program run per call and no
 * map operation but an increment in this CPU's slot of a per-CPU array: no
 * hashing, no atomic instruction, no cache line shared between CPUs.  -L
 * adds sys_enter, which stamps the thread's entry: in the thread's own
 * storage with tp_btf (Linux 5.11), found without hashing and freed with the
 * thread, else in a hash by tid.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/filter.bpf.h"
#include "bpf/maps.bpf.h"
#include "bpf/missed.bpf.h"
#include "bpf/syscalls.bpf.h"
#include "syscount.h"

const volatile bool measure_latency = false; /* -L */
const volatile bool by_process = false;	     /* -P */
const volatile bool filter_failed = false;   /* -x: failed calls only */
const volatile __s32 filter_errno = 0;	     /* -e: calls that failed with this errno only */

/* -L with tp_btf: when the thread's current syscall entered (0: none). */
struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} start_task SEC(".maps");

/* -L with raw_tp or tracepoint: tid -> when its current syscall entered; removed at the exit. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, START_ENTRIES);
	__type(key, __u32);
	__type(value, __u64);
} start SEC(".maps");

PERCPU_SLOT_MAP(counts, struct syscall_counts);

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_PROCS);
	__type(key, __u32);
	__type(value, struct proc_counts);
} procs SEC(".maps");

static const struct proc_counts zero_proc;

/*
 * The registers a syscall saved, read directly where the program has them
 * as a BTF pointer (tp_btf), else through bpf_probe_read (raw_tp).
 */
#if defined(__TARGET_ARCH_x86)
#define REGS_NR(regs)	  ((regs)->orig_ax)
#define REGS_NATIVE(regs) ((regs)->cs == USER64_CS)
#elif defined(__TARGET_ARCH_arm64)
#define REGS_NR(regs)	  ((regs)->syscallno)
#define REGS_NATIVE(regs) (!((regs)->pstate & PSR_MODE32_BIT))
#endif

/* Threads that call exit() or exit_group() never return: nothing to stamp. */
static __always_inline bool never_returns(long nr)
{
	return nr == __NR_exit || nr == __NR_exit_group;
}

static __always_inline bool enter_wanted(long nr)
{
	return !never_returns(nr) && filter_current();
}

static __always_inline int on_enter(long nr)
{
	__u32 tid = bpf_get_current_pid_tgid();
	__u64 ts;

	if (!enter_wanted(nr))
		return 0;
	ts = bpf_ktime_get_ns();
	if (bpf_map_update_elem(&start, &tid, &ts, BPF_ANY))
		count_missed(); /* more threads inside syscalls than the map holds */
	return 0;
}

static __always_inline int on_enter_task(long nr)
{
	__u64 *ts;

	if (!enter_wanted(nr))
		return 0;
	ts = bpf_task_storage_get(&start_task, bpf_get_current_task_btf(), 0,
				  BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (ts)
		*ts = bpf_ktime_get_ns();
	else
		count_missed(); /* out of memory, or a program run nested in another */
	return 0;
}

static __always_inline bool result_wanted(long ret)
{
	if (filter_errno)
		return ret == -filter_errno;
	return !filter_failed || ret < 0;
}

static __always_inline __u64 since(__u64 ts)
{
	__u64 now = bpf_ktime_get_ns();

	return now > ts ? now - ts : 1;
}

/* -L: the time since this thread's entry (0: not stamped, so not wanted). */
static __always_inline __u64 take_latency(bool task_storage)
{
	__u32 tid = bpf_get_current_pid_tgid();
	__u64 *tsp, ts;

	if (task_storage) {
		tsp = bpf_task_storage_get(&start_task, bpf_get_current_task_btf(), 0, 0);
		if (!tsp || !*tsp)
			return 0;
		ts = *tsp;
		*tsp = 0;
		return since(ts);
	}
	tsp = bpf_map_lookup_elem(&start, &tid);
	if (!tsp)
		return 0;
	ts = *tsp;
	bpf_map_delete_elem(&start, &tid);
	return since(ts);
}

static __always_inline void count_syscall(long nr, __u64 ns)
{
	struct syscall_counts *c;
	__u32 zero = 0;

	if (nr < 0 || nr >= MAX_SYSCALLS)
		return;
	c = bpf_map_lookup_elem(&counts, &zero);
	if (!c)
		return;
	c->count[nr]++;
	if (measure_latency)
		c->ns[nr] += ns;
}

/* After a successful exec the process has its new name. */
static __always_inline void count_process(long nr, long ret, __u64 ns)
{
	__u32 tgid = current_ids() >> 32;
	struct proc_counts *p = map_lookup_or_init(&procs, &tgid, &zero_proc);

	if (!p) {
		count_missed(); /* more processes in an interval than MAX_PROCS */
		return;
	}
	if (!p->comm[0] || (!ret && (nr == __NR_execve || nr == __NR_execveat)))
		bpf_get_current_comm(p->comm, sizeof(p->comm));
	__sync_fetch_and_add(&p->count, 1);
	if (measure_latency)
		__sync_fetch_and_add(&p->ns, ns);
}

/*
 * native: a call of the task's own ABI (64-bit); a 32-bit task's numbers
 * mean other calls, so those are counted per process only.
 */
static __always_inline int on_exit(long nr, bool native, long ret, bool task_storage)
{
	__u64 ns = 0;

	if (measure_latency) {
		/* Filtered at the entry: a thread without a stamp is not wanted. */
		ns = take_latency(task_storage);
		if (!ns || !result_wanted(ret))
			return 0;
	} else if (!result_wanted(ret) || !filter_current()) {
		return 0;
	}
	if (by_process)
		count_process(nr, ret, ns);
	else if (native)
		count_syscall(nr, ns);
	return 0;
}

SEC("tp_btf/sys_enter")
int BPF_PROG(sys_enter_btf, struct pt_regs *regs, long id)
{
	return on_enter_task(id);
}

SEC("raw_tp/sys_enter")
int BPF_PROG(sys_enter_raw, struct pt_regs *regs, long id)
{
	return on_enter(id);
}

SEC("tracepoint/raw_syscalls/sys_enter")
int sys_enter_tp(struct trace_event_raw_sys_enter *ctx)
{
	return on_enter(ctx->id);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(sys_exit_btf, struct pt_regs *regs, long ret)
{
	return on_exit(REGS_NR(regs), REGS_NATIVE(regs), ret, true);
}

SEC("raw_tp/sys_exit")
int BPF_PROG(sys_exit_raw, struct pt_regs *regs, long ret)
{
	return on_exit(syscall_nr(regs), native_syscall(regs), ret, false);
}

/* The tracepoint's record has the number but not the registers: every call counts as native. */
SEC("tracepoint/raw_syscalls/sys_exit")
int sys_exit_tp(struct trace_event_raw_sys_exit *ctx)
{
	return on_exit(ctx->id, true, ctx->ret, false);
}

char LICENSE[] SEC("license") = "GPL";

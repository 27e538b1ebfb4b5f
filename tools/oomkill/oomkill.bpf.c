// SPDX-License-Identifier: GPL-2.0
/*
 * oomkill: report each task the OOM killer marks as its victim, with the task
 * whose allocation triggered it (current, when the victim is marked).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/filter.bpf.h"
#include "bpf/maps.bpf.h"
#include "bpf/memory.bpf.h"
#include "oomkill.h"

#define EVENT_MAX_SIZE (sizeof(struct oom_event))
#include "bpf/events.bpf.h"

#define SIGKILL	 9
#define PAGE_KB	 4	     /* x86 */
#define KILL_GAP 10000000ULL /* ns: SIGKILL and mark_victim come one after the other */

/*
 * oom:mark_victim fires both for a kill (__oom_kill_process sends SIGKILL to
 * the victim, then marks it) and for a task that was already exiting and is
 * only let at the memory reserves (no kill; the victim is then current).  A
 * kill is told apart by the SIGKILL the same task sent the victim just before,
 * on this CPU (task_lock(victim) is held from the signal to the mark).
 */
struct last_sigkill {
	__u64 ts_ns;
	__u32 sender_tid;
	__u32 target_tid;
};

PERCPU_SLOT_MAP(sigkills, struct last_sigkill);

static __always_inline int on_signal(int sig, __u32 target_tid)
{
	struct last_sigkill *k;
	__u32 zero = 0;

	if (sig != SIGKILL)
		return 0;
	k = bpf_map_lookup_elem(&sigkills, &zero);
	if (!k)
		return 0;
	k->ts_ns = bpf_ktime_get_ns();
	k->sender_tid = (__u32)bpf_get_current_pid_tgid();
	k->target_tid = target_tid;
	return 0;
}

/* Did the current task send victim_tid a SIGKILL just now?  Forgets it either way. */
static __always_inline bool just_killed(__u32 victim_tid, __u64 now)
{
	struct last_sigkill *k;
	__u32 zero = 0;
	bool hit;

	k = bpf_map_lookup_elem(&sigkills, &zero);
	if (!k)
		return false;
	hit = k->target_tid == victim_tid && k->sender_tid == (__u32)bpf_get_current_pid_tgid() &&
	      now - k->ts_ns < KILL_GAP;
	k->target_tid = 0;
	return hit;
}

static __always_inline struct oom_event *new_event(void)
{
	struct oom_event *e = event_reserve(sizeof(*e));

	if (!e)
		return NULL;
	__builtin_memset(e, 0, sizeof(*e));
	e->ts_ns = bpf_ktime_get_ns();
	e->trigger_pid = current_ids() >> 32;
	bpf_get_current_comm(e->trigger_comm, sizeof(e->trigger_comm));
	return e;
}

static __always_inline void fill_victim(struct oom_event *e, struct task_struct *victim)
{
	e->victim_pid = task_tgid_in_tool_ns(victim);
	e->victim_uid = BPF_CORE_READ(victim, cred, uid.val);
	e->rss_pages = mm_rss_pages(BPF_CORE_READ(victim, mm));
	BPF_CORE_READ_STR_INTO(&e->victim_comm, victim, comm);
}

/* oom:mark_victim with the task (Linux 6.8+, and stable backports such as 6.1.y). */
static __always_inline int on_mark_victim(void *ctx, struct task_struct *victim)
{
	struct oom_event *e = new_event();

	if (!e)
		return 0;
	fill_victim(e, victim);
	e->killed = just_killed(BPF_CORE_READ(victim, pid), e->ts_ns);
	event_submit(ctx, e, sizeof(*e));
	return 0;
}

SEC("tp_btf/mark_victim")
int BPF_PROG(mark_victim_btf, struct task_struct *victim)
{
	return on_mark_victim(ctx, victim);
}

SEC("raw_tp/mark_victim")
int BPF_PROG(mark_victim_raw, struct task_struct *victim)
{
	return on_mark_victim(ctx, victim);
}

/* The classic record names the victim thread and its sizes (kB), not the task. */
SEC("tracepoint/oom/mark_victim")
int mark_victim_tp(struct trace_event_raw_mark_victim *rec)
{
	struct oom_event *e = new_event();
	__u32 off;

	if (!e)
		return 0;
	e->victim_pid = rec->pid;
	e->victim_uid = rec->uid;
	e->rss_pages = (rec->anon_rss + rec->file_rss + rec->shmem_rss) / PAGE_KB;
	off = rec->__data_loc_comm & 0xffff;
	bpf_probe_read_kernel_str(e->victim_comm, sizeof(e->victim_comm), (void *)rec + off);
	e->killed = just_killed(rec->pid, e->ts_ns);
	event_submit(rec, e, sizeof(*e));
	return 0;
}

SEC("tp_btf/signal_generate")
int BPF_PROG(signal_btf, int sig, struct kernel_siginfo *info, struct task_struct *task)
{
	return on_signal(sig, BPF_CORE_READ(task, pid));
}

SEC("raw_tp/signal_generate")
int BPF_PROG(signal_raw, int sig, struct kernel_siginfo *info, struct task_struct *task)
{
	return on_signal(sig, BPF_CORE_READ(task, pid));
}

SEC("tracepoint/signal/signal_generate")
int signal_tp(struct trace_event_raw_signal_generate *rec)
{
	return on_signal(rec->sig, rec->pid);
}

/* Kernels whose mark_victim passes only a pid: the function that kills (upstream's hook). */
static __always_inline int on_oom_kill_process(void *ctx, struct oom_control *oc)
{
	struct oom_event *e = new_event();

	if (!e)
		return 0;
	fill_victim(e, BPF_CORE_READ(oc, chosen));
	e->total_pages = BPF_CORE_READ(oc, totalpages);
	e->killed = 1;
	event_submit(ctx, e, sizeof(*e));
	return 0;
}

SEC("fentry/oom_kill_process")
int BPF_PROG(oom_kill_fentry, struct oom_control *oc)
{
	return on_oom_kill_process(ctx, oc);
}

SEC("kprobe/oom_kill_process")
int BPF_KPROBE(oom_kill_kprobe, struct oom_control *oc)
{
	return on_oom_kill_process(ctx, oc);
}

char LICENSE[] SEC("license") = "GPL";

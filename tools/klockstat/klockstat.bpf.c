// SPDX-License-Identifier: GPL-2.0
/*
 * klockstat: kernel mutex and rw-semaphore wait (and hold) times per caller
 * stack.  Two ways in:
 *  - fentry/fexit (else kprobe/kretprobe) on mutex_lock*, down_read*,
 *    down_write* and their unlocks, as upstream: every acquisition, its
 *    wait from the call to the return, and its hold until the unlock;
 *  - the lock:contention_begin/end tracepoints (Linux 5.19): only the
 *    acquisitions that found the lock taken, their wait; no hold times (no
 *    tracepoint at the unlock).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/filter.bpf.h"
#include "bpf/missed.bpf.h"
#include "klockstat.h"

/* contention_begin's flags (include/trace/events/lock.h, since 5.19). */
#define LCB_F_SPIN  (1U << 0)
#define LCB_F_MUTEX (1U << 5)

const volatile __u64 filter_lock = 0;	/* -L */
const volatile bool per_thread = false; /* -P */

struct {
	__uint(type, BPF_MAP_TYPE_STACK_TRACE);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, __u32);
	__uint(value_size, STACK_MAX_DEPTH * sizeof(__u64));
} stacks SEC(".maps");

/* A thread and a lock it waits for or holds (a thread holds a mutex once). */
struct task_lock {
	__u64 tid;
	__u64 lock;
};

struct holding {
	__s32 stackid;
	__u32 pad;
	__u64 ids; /* tgid << 32 | tid, numbered as -p/-t take them */
	__u64 try_at;
	__u64 acq_at;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, struct task_lock);
	__type(value, struct holding);
} holdings SEC(".maps");

/* kprobe: tid -> the lock its pending call got, for the kretprobe. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, __u32);
	__type(value, __u64);
} calls SEC(".maps");

/* Statistics per stack id (-P: per thread id). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_ENTRIES);
	__type(key, __u32);
	__type(value, struct lock_stat);
} stats SEC(".maps");

static __always_inline struct task_lock task_lock(void *lock)
{
	struct task_lock tl = { .tid = (__u32)bpf_get_current_pid_tgid(), .lock = (__u64)lock };

	return tl;
}

/* The call that may wait for lock begins (first: a begin already pending stays). */
static __always_inline void on_try(void *ctx, void *lock, bool first)
{
	struct task_lock tl = task_lock(lock);
	struct holding h = {};

	if ((filter_lock && (__u64)lock != filter_lock) || !filter_current())
		return;
	h.stackid = bpf_get_stackid(ctx, &stacks, BPF_F_FAST_STACK_CMP);
	if (h.stackid < 0) {
		count_missed();
		return;
	}
	h.ids = current_ids();
	h.try_at = bpf_ktime_get_ns();
	bpf_map_update_elem(&holdings, &tl, &h, first ? BPF_NOEXIST : BPF_ANY);
}

static __always_inline struct lock_stat *stat_of(const struct holding *h)
{
	__u32 key = per_thread ? (__u32)h->ids : (__u32)h->stackid;
	struct lock_stat *ls = bpf_map_lookup_elem(&stats, &key), fresh = {};

	if (ls)
		return ls;
	if (per_thread)
		bpf_get_current_comm(fresh.acq_max_comm, sizeof(fresh.acq_max_comm));
	bpf_map_update_elem(&stats, &key, &fresh, BPF_NOEXIST);
	ls = bpf_map_lookup_elem(&stats, &key);
	if (!ls)
		count_missed();
	return ls;
}

/* Racing updaters of one maximum may each keep their own: rare, and the sums stay exact. */
static __always_inline void account_wait(struct lock_stat *ls, const struct holding *h, __u64 lock)
{
	__u64 d = h->acq_at - h->try_at;

	__sync_fetch_and_add(&ls->acq_count, 1);
	__sync_fetch_and_add(&ls->acq_total_time, d);
	if (d <= ls->acq_max_time)
		return;
	ls->acq_max_time = d;
	ls->acq_max_id = h->ids;
	ls->acq_max_lock_ptr = lock;
	if (!per_thread)
		bpf_get_current_comm(ls->acq_max_comm, sizeof(ls->acq_max_comm));
}

static __always_inline void account_hold(struct lock_stat *ls, const struct holding *h, __u64 lock,
					 __u64 now)
{
	__u64 d = now - h->acq_at;

	__sync_fetch_and_add(&ls->hld_count, 1);
	__sync_fetch_and_add(&ls->hld_total_time, d);
	if (d <= ls->hld_max_time)
		return;
	ls->hld_max_time = d;
	ls->hld_max_id = h->ids;
	ls->hld_max_lock_ptr = lock;
	if (!per_thread)
		bpf_get_current_comm(ls->hld_max_comm, sizeof(ls->hld_max_comm));
}

/* The call returned: ret 0 got the lock (held from now), else it gave up. */
static __always_inline void on_acquired(void *lock, long ret)
{
	struct task_lock tl = task_lock(lock);
	struct holding *h = bpf_map_lookup_elem(&holdings, &tl);

	if (!h)
		return;
	if (ret)
		bpf_map_delete_elem(&holdings, &tl);
	else
		h->acq_at = bpf_ktime_get_ns();
}

static __always_inline void on_release(void *lock)
{
	struct task_lock tl = task_lock(lock);
	struct holding *h = bpf_map_lookup_elem(&holdings, &tl);
	__u64 now = bpf_ktime_get_ns();
	struct lock_stat *ls;

	if (!h)
		return;
	if (h->acq_at && (ls = stat_of(h))) {
		account_wait(ls, h, (__u64)lock);
		account_hold(ls, h, (__u64)lock, now);
	}
	bpf_map_delete_elem(&holdings, &tl);
}

/* A trylock that succeeded: an acquisition without a wait. */
static __always_inline void on_trylock(void *ctx, void *lock, long ret)
{
	if (ret != 1)
		return;
	on_try(ctx, lock, false);
	on_acquired(lock, 0);
}

/* ------------------------------------------------ fentry/fexit, kprobes */

/* A lock call: its entry, and its exit with a result (void ones: 0). */
#define LOCK_FN(fn, ret_expr)                                   \
	SEC("fentry/" #fn)                                      \
	int BPF_PROG(fn##_fentry, void *lock)                   \
	{                                                       \
		on_try(ctx, lock, false);                       \
		return 0;                                       \
	}                                                       \
	SEC("fexit/" #fn)                                       \
	int BPF_PROG(fn##_fexit, void *lock, long ret)          \
	{                                                       \
		on_acquired(lock, ret_expr);                    \
		return 0;                                       \
	}                                                       \
	SEC("kprobe/" #fn)                                      \
	int BPF_KPROBE(fn##_kprobe, void *lock)                 \
	{                                                       \
		__u32 tid = (__u32)bpf_get_current_pid_tgid();  \
		__u64 l = (__u64)lock;                          \
                                                                \
		bpf_map_update_elem(&calls, &tid, &l, BPF_ANY); \
		on_try(ctx, lock, false);                       \
		return 0;                                       \
	}                                                       \
	SEC("kretprobe/" #fn)                                   \
	int BPF_KRETPROBE(fn##_kretprobe, long ret)             \
	{                                                       \
		__u32 tid = (__u32)bpf_get_current_pid_tgid();  \
		__u64 *l = bpf_map_lookup_elem(&calls, &tid);   \
                                                                \
		if (l) {                                        \
			on_acquired((void *)*l, ret_expr);      \
			bpf_map_delete_elem(&calls, &tid);      \
		}                                               \
		return 0;                                       \
	}

#define TRYLOCK_FN(fn)                                          \
	SEC("fexit/" #fn)                                       \
	int BPF_PROG(fn##_fexit, void *lock, long ret)          \
	{                                                       \
		on_trylock(ctx, lock, ret);                     \
		return 0;                                       \
	}                                                       \
	SEC("kprobe/" #fn)                                      \
	int BPF_KPROBE(fn##_kprobe, void *lock)                 \
	{                                                       \
		__u32 tid = (__u32)bpf_get_current_pid_tgid();  \
		__u64 l = (__u64)lock;                          \
                                                                \
		bpf_map_update_elem(&calls, &tid, &l, BPF_ANY); \
		return 0;                                       \
	}                                                       \
	SEC("kretprobe/" #fn)                                   \
	int BPF_KRETPROBE(fn##_kretprobe, long ret)             \
	{                                                       \
		__u32 tid = (__u32)bpf_get_current_pid_tgid();  \
		__u64 *l = bpf_map_lookup_elem(&calls, &tid);   \
                                                                \
		if (l) {                                        \
			on_trylock(ctx, (void *)*l, (int)ret);  \
			bpf_map_delete_elem(&calls, &tid);      \
		}                                               \
		return 0;                                       \
	}

#define UNLOCK_FN(fn)                           \
	SEC("fentry/" #fn)                      \
	int BPF_PROG(fn##_fentry, void *lock)   \
	{                                       \
		on_release(lock);               \
		return 0;                       \
	}                                       \
	SEC("kprobe/" #fn)                      \
	int BPF_KPROBE(fn##_kprobe, void *lock) \
	{                                       \
		on_release(lock);               \
		return 0;                       \
	}

/* mutex_lock is first: user space picks the way in by its programs. */
LOCK_FN(mutex_lock, 0)
LOCK_FN(mutex_lock_interruptible, (int)ret)
LOCK_FN(mutex_lock_killable, (int)ret)
TRYLOCK_FN(mutex_trylock)
UNLOCK_FN(mutex_unlock)
LOCK_FN(down_read, 0)
LOCK_FN(down_read_interruptible, (int)ret)
LOCK_FN(down_read_killable, (int)ret)
TRYLOCK_FN(down_read_trylock)
UNLOCK_FN(up_read)
LOCK_FN(down_write, 0)
LOCK_FN(down_write_killable, (int)ret)
TRYLOCK_FN(down_write_trylock)
UNLOCK_FN(up_write)

/* --------------------------------------------- lock:contention_begin/end */

/* Sleeping locks only: a spinlock's or rwlock's flags have SPIN without MUTEX. */
static __always_inline int on_contention_begin(void *ctx, void *lock, __u32 flags)
{
	if (!(flags & LCB_F_SPIN) || (flags & LCB_F_MUTEX))
		on_try(ctx, lock, true);
	return 0;
}

/* The wait ends: counted at once, as the unlock cannot be seen. */
static __always_inline int on_contention_end(void *lock, int ret)
{
	struct task_lock tl = task_lock(lock);
	struct holding *h = bpf_map_lookup_elem(&holdings, &tl);
	struct lock_stat *ls;

	if (!h)
		return 0;
	if (!ret && (ls = stat_of(h))) {
		h->acq_at = bpf_ktime_get_ns();
		account_wait(ls, h, (__u64)lock);
	}
	bpf_map_delete_elem(&holdings, &tl);
	return 0;
}

SEC("tp_btf/contention_begin")
int contention_begin_btf(__u64 *ctx)
{
	return on_contention_begin(ctx, (void *)ctx[0], (__u32)ctx[1]);
}

SEC("raw_tp/contention_begin")
int contention_begin_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return on_contention_begin(ctx, (void *)ctx->args[0], (__u32)ctx->args[1]);
}

SEC("tp_btf/contention_end")
int contention_end_btf(__u64 *ctx)
{
	return on_contention_end((void *)ctx[0], (int)ctx[1]);
}

SEC("raw_tp/contention_end")
int contention_end_raw(struct bpf_raw_tracepoint_args *ctx)
{
	return on_contention_end((void *)ctx->args[0], (int)ctx->args[1]);
}

char LICENSE[] SEC("license") = "GPL";

// SPDX-License-Identifier: GPL-2.0
/*
 * memleak: allocations not yet freed, with the stack that made them.  User
 * mode: uprobes on the allocator entries keep the size per thread, a
 * uretprobe records the address it returned; free() and munmap() forget it.
 * Kernel mode: the kmem (and percpu) tracepoints carry pointer and size.
 * Per stack the outstanding bytes and allocations are kept as they change,
 * and a user stack seen for the first time is announced, so user space
 * names it while its process runs.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "memleak.h"
#define EVENT_MAX_SIZE (sizeof(struct memleak_event))
#include "bpf/filter.bpf.h"
#include "bpf/task.bpf.h"
#include "bpf/stacks.bpf.h"

const volatile __u64 min_size = 0;
const volatile __u64 max_size = (__u64)-1;
const volatile __u32 sample_rate = 1;
const volatile bool trace_all = false;
const volatile bool user_stacks = true;
const volatile __u64 page_size = 4096;

STACK_TRACE_MAP(memleak_stacks);

/*
 * Allocated as used in user mode; preallocated in kernel mode (user space
 * clears the flag), where an allocation of the map's own would be traced.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MEMLEAK_ALLOCS_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u64);
	__type(value, struct alloc_info);
} allocs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MEMLEAK_COMBINED_MAX);
	__type(key, __s32);
	__type(value, struct combined_info);
} combined SEC(".maps");

/* Between an allocator's entry and its return: the size asked for and the call. */
struct pending {
	__u64 size;
	__u64 memptr; /* posix_memalign's result pointer */
	__u32 call;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct pending);
} pending SEC(".maps");

static __always_inline bool size_wanted(__u64 size)
{
	if (size < min_size || size > max_size)
		return false;
	return sample_rate <= 1 || bpf_get_prandom_u32() % sample_rate == 0;
}

static __always_inline void trace_call(void *ctx, __u32 call, __u64 addr, __u64 size, bool freed)
{
	struct memleak_event *e;
	__u64 id = current_ids();

	if (!trace_all && call != CALL_EXIT)
		return;
	e = event_reserve(sizeof(*e));
	if (!e)
		return;
	e->ts_ns = bpf_ktime_get_ns();
	e->size = size;
	e->addr = addr;
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->call = call;
	e->freed = freed;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	event_submit(ctx, e, sizeof(*e));
}

static __always_inline void combined_add(void *ctx, __s32 stack_id, __u64 size)
{
	struct combined_info zero = {}, *c = bpf_map_lookup_elem(&combined, &stack_id);

	if (!c) {
		/* First seen: a user stack is announced, to be named while its process runs. */
		if (!bpf_map_update_elem(&combined, &stack_id, &zero, BPF_NOEXIST) && user_stacks)
			stack_announce(ctx, &(struct stack_key){ .pid = current_ids() >> 32,
								 .ustackid = stack_id });
		c = bpf_map_lookup_elem(&combined, &stack_id);
		if (!c) {
			count_missed();
			return;
		}
	}
	__sync_fetch_and_add(&c->bytes, size);
	__sync_fetch_and_add(&c->count, 1);
}

static __always_inline void combined_sub(__s32 stack_id, __u64 size)
{
	struct combined_info *c = bpf_map_lookup_elem(&combined, &stack_id);

	if (!c)
		return;
	__sync_fetch_and_sub(&c->bytes, size);
	__sync_fetch_and_sub(&c->count, 1);
}

/* Forget the allocation at addr, if it is tracked; true if it was. */
static __always_inline bool forget(__u64 addr)
{
	struct alloc_info *info = bpf_map_lookup_elem(&allocs, &addr);
	struct alloc_info old;

	if (!info)
		return false;
	old = *info;
	if (bpf_map_delete_elem(&allocs, &addr))
		return false; /* another CPU freed it first */
	combined_sub(old.stack_id, old.size);
	return true;
}

static __always_inline void release(void *ctx, __u64 addr, __u32 call)
{
	struct alloc_info *info = bpf_map_lookup_elem(&allocs, &addr);
	__u64 size = info ? info->size : 0;

	if (forget(addr))
		trace_call(ctx, call, addr, size, true);
}

/*
 * An allocation of size at addr.  One still tracked at that address was
 * freed unseen (--wa-missing-free's case): it is replaced.
 */
/*
 * Kernel stacks start in the hook: this program and bpf_trace_runN (the
 * tracepoint's __bpf_trace_ stub jumps there); skip them, to start at the
 * allocator.
 */
static __always_inline __u64 stack_flags(void)
{
	return user_stacks ? BPF_F_USER_STACK : 2 & BPF_F_SKIP_FIELD_MASK;
}

static __always_inline void record(void *ctx, __u64 addr, __u64 size, __u32 call)
{
	struct alloc_info info = { .size = size };

	forget(addr);
	info.ts_ns = bpf_ktime_get_ns();
	info.stack_id = bpf_get_stackid(ctx, &memleak_stacks, stack_flags());
	if (bpf_map_update_elem(&allocs, &addr, &info, BPF_ANY)) {
		count_missed();
		return;
	}
	combined_add(ctx, info.stack_id, size);
	trace_call(ctx, call, addr, size, false);
}

/* ----------------------------------------------------------- user mode */

static __always_inline int enter(__u64 size, __u32 call, __u64 memptr)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct pending p = { .size = size, .memptr = memptr, .call = call };

	if (size_wanted(size))
		bpf_map_update_elem(&pending, &tid, &p, BPF_ANY);
	return 0;
}

static __always_inline bool take_pending(struct pending *p)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct pending *found = bpf_map_lookup_elem(&pending, &tid);

	if (!found)
		return false; /* not sampled, filtered by size, or counted by a nested call */
	*p = *found;
	bpf_map_delete_elem(&pending, &tid);
	return true;
}

/*
 * An allocator function's entry: the size it asks for (and the address
 * posix_memalign will write to); realloc and reallocarray release the old
 * block first; free and munmap only release.
 */
static __always_inline int on_call(struct pt_regs *ctx, __u32 call)
{
	__u64 a1 = PT_REGS_PARM1(ctx), a2 = PT_REGS_PARM2(ctx), a3 = PT_REGS_PARM3(ctx);

	switch (call) {
	case CALL_CALLOC:
		return enter(a1 * a2, call, 0);
	case CALL_REALLOC:
		release(ctx, a1, call);
		return enter(a2, call, 0);
	case CALL_REALLOCARRAY:
		release(ctx, a1, call);
		return enter(a2 * a3, call, 0);
	case CALL_POSIX_MEMALIGN:
		return enter(a3, call, a1);
	case CALL_ALIGNED_ALLOC:
	case CALL_MEMALIGN:
	case CALL_MMAP:
		return enter(a2, call, 0);
	case CALL_FREE:
	case CALL_MUNMAP:
		release(ctx, a1, call);
		return 0;
	default: /* malloc, valloc, pvalloc */
		return enter(a1, call, 0);
	}
}

/*
 * Every function's entry in one program, its BPF cookie saying which (Linux
 * 5.15): one uprobe_multi link for all of them, which detaches at once.
 */
SEC("uprobe")
int call_enter(struct pt_regs *ctx)
{
	return on_call(ctx, bpf_get_attach_cookie(ctx));
}

/* Kernels without BPF cookies: a program per function. */
#define CALL_ENTER(fn, call)                \
	SEC("uprobe")                       \
	int fn##_enter(struct pt_regs *ctx) \
	{                                   \
		return on_call(ctx, call);  \
	}

CALL_ENTER(malloc, CALL_MALLOC)
CALL_ENTER(calloc, CALL_CALLOC)
CALL_ENTER(realloc, CALL_REALLOC)
CALL_ENTER(reallocarray, CALL_REALLOCARRAY)
CALL_ENTER(posix_memalign, CALL_POSIX_MEMALIGN)
CALL_ENTER(aligned_alloc, CALL_ALIGNED_ALLOC)
CALL_ENTER(valloc, CALL_VALLOC)
CALL_ENTER(memalign, CALL_MEMALIGN)
CALL_ENTER(pvalloc, CALL_PVALLOC)
CALL_ENTER(mmap, CALL_MMAP)
CALL_ENTER(free, CALL_FREE)
CALL_ENTER(munmap, CALL_MUNMAP)

/* Every allocator but posix_memalign returns the address (NULL or MAP_FAILED: none). */
SEC("uretprobe")
int BPF_KRETPROBE(alloc_return, void *ret)
{
	__u64 addr = (__u64)ret;
	struct pending p;

	if (take_pending(&p) && addr && addr != (__u64)-1)
		record(ctx, addr, p.size, p.call);
	return 0;
}

SEC("uretprobe")
int BPF_KRETPROBE(posix_memalign_return, int ret)
{
	struct pending p;
	__u64 addr = 0;

	if (!take_pending(&p) || ret || !p.memptr)
		return 0;
	if (!bpf_probe_read_user(&addr, sizeof(addr), (void *)p.memptr) && addr)
		record(ctx, addr, p.size, p.call);
	return 0;
}

/* The traced process has ended (its last thread): user space prints and stops. */
static __always_inline int on_process_exit(void *ctx, struct task_struct *task)
{
	if (!ids_filtered() || !filter_task(task) || BPF_CORE_READ(task, signal, live.counter))
		return 0;
	trace_call(ctx, CALL_EXIT, 0, 0, false);
	return 0;
}

SCHED_PROCESS_EXIT_PROGS(on_process_exit)

/* --------------------------------------------------------- kernel mode */

static __always_inline int kernel_alloc(void *ctx, __u64 ptr, __u64 size, __u32 call)
{
	if (ptr && size_wanted(size))
		record(ctx, ptr, size, call);
	return 0;
}

/*
 * Argument i of a tp_btf or raw_tp program.  Before Linux 6.13 or so the
 * verifier refuses a direct read of a BTF tracepoint's `const void *`
 * argument ("arg1 type UNKNOWN is not a struct": 6.1, 6.12); read as memory,
 * every argument is a plain u64 on every kernel.
 */
static __always_inline __u64 arg(__u64 *ctx, int i)
{
	__u64 v = 0;

	bpf_probe_read_kernel(&v, sizeof(v), &ctx[i]);
	return v;
}

/* Common leading arguments since Linux 4.17: (call_site, ptr, bytes_req, bytes_alloc, ...). */
static __always_inline int on_kmalloc(__u64 *ctx)
{
	return kernel_alloc(ctx, arg(ctx, 1), arg(ctx, 3), CALL_KMALLOC);
}

/*
 * Linux 6.1 passes the cache, (call_site, ptr, s, gfp, node); before, the
 * sizes, as kmalloc (trace_event_raw_kmem_cache_alloc came with the change).
 */
static __always_inline int on_kmem_cache_alloc(__u64 *ctx)
{
	__u64 size;

	if (bpf_core_type_exists(struct trace_event_raw_kmem_cache_alloc))
		size = BPF_CORE_READ((struct kmem_cache *)arg(ctx, 2), size);
	else
		size = arg(ctx, 3);
	return kernel_alloc(ctx, arg(ctx, 1), size, CALL_KMEM_CACHE_ALLOC);
}

/* Pages by their struct page, which mm_page_free passes too. */
static __always_inline int on_page_alloc(__u64 *ctx)
{
	return kernel_alloc(ctx, arg(ctx, 0), page_size << (__u32)arg(ctx, 1), CALL_PAGE_ALLOC);
}

/* call_site came first from Linux 6.0: (call_site, reserved, is_atomic, size, align, base, off,
 * ptr, ...). */
static __always_inline int on_percpu_alloc(__u64 *ctx)
{
	if (bpf_core_field_exists(struct trace_event_raw_percpu_alloc_percpu, call_site))
		return kernel_alloc(ctx, arg(ctx, 7), arg(ctx, 3), CALL_PERCPU_ALLOC);
	return kernel_alloc(ctx, arg(ctx, 6), arg(ctx, 2), CALL_PERCPU_ALLOC);
}

static __always_inline int kernel_free(void *ctx, __u64 ptr, __u32 call)
{
	if (ptr)
		release(ctx, ptr, call);
	return 0;
}

/* tp_btf and raw_tp twins of each handler: the same arguments, as u64s. */
#define KMEM_HOOK(tp, body)      \
	SEC("tp_btf/" #tp)       \
	int tp##_btf(__u64 *ctx) \
	{                        \
		return body;     \
	}                        \
	SEC("raw_tp/" #tp)       \
	int tp##_raw(__u64 *ctx) \
	{                        \
		return body;     \
	}

KMEM_HOOK(kmalloc, on_kmalloc(ctx))
KMEM_HOOK(kmem_cache_alloc, on_kmem_cache_alloc(ctx))
KMEM_HOOK(mm_page_alloc, on_page_alloc(ctx))
KMEM_HOOK(percpu_alloc_percpu, on_percpu_alloc(ctx))
KMEM_HOOK(kfree, kernel_free(ctx, arg(ctx, 1), CALL_KFREE))
KMEM_HOOK(kmem_cache_free, kernel_free(ctx, arg(ctx, 1), CALL_KMEM_CACHE_FREE))
KMEM_HOOK(mm_page_free, kernel_free(ctx, arg(ctx, 0), CALL_PAGE_FREE))
KMEM_HOOK(mm_page_free_batched, kernel_free(ctx, arg(ctx, 0), CALL_PAGE_FREE))
KMEM_HOOK(percpu_free_percpu, kernel_free(ctx, arg(ctx, 2), CALL_PERCPU_FREE))

char LICENSE[] SEC("license") = "GPL";

/* SPDX-License-Identifier: GPL-2.0 */
#ifndef MEMLEAK_H
#define MEMLEAK_H

#include "shared.h"
#include "stack_types.h"

#define MEMLEAK_ALLOCS_MAX   1000000 /* outstanding allocations tracked */
#define MEMLEAK_COMBINED_MAX 10240   /* stacks with statistics */

/* An outstanding allocation, by address (user) or pointer (kernel; pages: struct page). */
struct alloc_info {
	__u64 size;
	__u64 ts_ns;
	__s32 stack_id; /* <0: bpf_get_stackid()'s error */
	__u32 pad;
};

/* What is outstanding from one stack. */
struct combined_info {
	__u64 bytes;
	__u64 count;
};

/* The calls -t shows, and the traced process's end. */
enum memleak_call {
	CALL_MALLOC,
	CALL_CALLOC,
	CALL_REALLOC,
	CALL_REALLOCARRAY,
	CALL_POSIX_MEMALIGN,
	CALL_ALIGNED_ALLOC,
	CALL_VALLOC,
	CALL_MEMALIGN,
	CALL_PVALLOC,
	CALL_MMAP,
	CALL_FREE,
	CALL_MUNMAP,
	CALL_KMALLOC,
	CALL_KMEM_CACHE_ALLOC,
	CALL_PAGE_ALLOC,
	CALL_PERCPU_ALLOC,
	CALL_KFREE,
	CALL_KMEM_CACHE_FREE,
	CALL_PAGE_FREE,
	CALL_PERCPU_FREE,
	CALL_EXIT, /* the traced process has ended */
	CALL_MAX,
};

/* -t: one call; larger than struct new_stack, which shares the event buffer. */
struct memleak_event {
	__u64 ts_ns;
	__u64 size;
	__u64 addr;
	__u32 pid;
	__u32 tid;
	__u32 call;
	__u32 freed; /* a free found the allocation */
	char comm[TASK_COMM_LEN];
};

#endif

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel half of the event path (lib/events.c is the other half).
 *
 *	struct event *e = event_reserve(sizeof(*e));
 *	if (!e)
 *		return 0;
 *	... fill e ...
 *	event_submit(ctx, e, sizeof(*e));
 *
 * or, for an event of variable length built elsewhere, event_output().
 *
 * With a ring buffer the event is written in place; with a perf buffer it is
 * built in a per-CPU scratch slot and copied out.  Reservation failures are
 * counted as missed (bpf/missed.bpf.h).  Wakeups are batched: user space is woken only
 * when EVENTS_WAKEUP_BYTES are waiting, and polls with a short timeout for
 * the rest, so a quiet system still shows an event within ~100 ms.
 */
#ifndef BPFSCOPE_EVENTS_BPF_H
#define BPFSCOPE_EVENTS_BPF_H

#include "bpf/missed.bpf.h"

#ifndef EVENT_MAX_SIZE
#define EVENT_MAX_SIZE 8192
#endif

const volatile bool events_use_ringbuf = true;
const volatile __u64 events_wakeup_bytes = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024); /* sized by lib/events.c to the CPUs */
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} events_perf SEC(".maps");

/* Sizes without BTF types, so user space may shrink the slot when it is unused. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, EVENT_MAX_SIZE);
} events_scratch SEC(".maps");

/* Events that could not be delivered count as missed (lib/cli.c reports them). */
static __always_inline void events_count_lost(void)
{
	count_missed();
}

static __always_inline void *event_reserve(__u64 size)
{
	__u32 zero = 0;
	void *e;

	if (events_use_ringbuf) {
		e = bpf_ringbuf_reserve(&events, size, 0);
		if (!e)
			events_count_lost();
		return e;
	}
	return bpf_map_lookup_elem(&events_scratch, &zero);
}

static __always_inline __u64 events_wakeup_flags(void)
{
	if (!events_wakeup_bytes)
		return 0;
	if (bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) >= events_wakeup_bytes)
		return BPF_RB_FORCE_WAKEUP;
	return BPF_RB_NO_WAKEUP;
}

static __always_inline void event_submit(void *ctx, void *e, __u64 size)
{
	if (events_use_ringbuf) {
		bpf_ringbuf_submit(e, events_wakeup_flags());
		return;
	}
	if (size > EVENT_MAX_SIZE)
		size = EVENT_MAX_SIZE;
	if (bpf_perf_event_output(ctx, &events_perf, BPF_F_CURRENT_CPU, e, size))
		events_count_lost();
}

/*
 * Send size bytes of data (e.g. a variable-length event built in a map value);
 * size must be bounded by the caller for the verifier, at most EVENT_MAX_SIZE.
 */
static __always_inline void event_output(void *ctx, void *data, __u64 size)
{
	long err;

	if (events_use_ringbuf)
		err = bpf_ringbuf_output(&events, data, size, events_wakeup_flags());
	else
		err = bpf_perf_event_output(ctx, &events_perf, BPF_F_CURRENT_CPU, data, size);
	if (err)
		events_count_lost();
}

/* Drop a reserved event that turned out not to be wanted. */
static __always_inline void event_discard(void *e)
{
	if (events_use_ringbuf)
		bpf_ringbuf_discard(e, BPF_RB_NO_WAKEUP);
}

#endif

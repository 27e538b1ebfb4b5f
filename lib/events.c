// SPDX-License-Identifier: GPL-2.0
/* User half of the event path; see include/bpf/events.bpf.h for the kernel half. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "events.h"
#include "probe.h"

/* Wake user space once this much is queued; a timed poll picks up the rest. */
#define WAKEUP_BYTES (64 * 1024)
#define PERF_PAGES   64

struct events {
	struct ring_buffer *rb;
	struct perf_buffer *pb;
	struct bpf_map *lost_map;
	events_fn fn;
	void *ctx;
	int stop;
	uint64_t perf_lost;
	uint64_t reported;
	unsigned long long last_lost_check;
};

int events_configure(struct bpf_object *obj)
{
	struct bpf_map *rb = bpf_object__find_map_by_name(obj, "events");
	struct bpf_map *scratch = bpf_object__find_map_by_name(obj, "events_scratch");
	bool use_ringbuf = probe_ringbuf();
	__u64 wakeup = WAKEUP_BYTES;
	int err;

	if (!rb || !scratch)
		return -ENOENT;
	err = obj_set_rodata(obj, "events_use_ringbuf", &use_ringbuf, sizeof(use_ringbuf));
	if (!err && use_ringbuf)
		err = obj_set_rodata(obj, "events_wakeup_bytes", &wakeup, sizeof(wakeup));
	if (err)
		return err;
	if (use_ringbuf) {
		/* The scratch slot is only needed to build perf buffer records. */
		bpf_map__set_max_entries(scratch, 1);
		bpf_map__set_value_size(scratch, 8);
		return 0;
	}
	/* Without ring buffers the kernel cannot create that map type: make it a stub. */
	bpf_map__set_type(rb, BPF_MAP_TYPE_ARRAY);
	bpf_map__set_key_size(rb, 4);
	bpf_map__set_value_size(rb, 4);
	bpf_map__set_max_entries(rb, 1);
	return 0;
}

static int on_ringbuf_event(void *ctx, void *data, size_t size)
{
	struct events *ev = ctx;

	if (ev->stop)
		return 0;
	ev->stop = ev->fn(ev->ctx, data, size);
	return ev->stop ? -ECANCELED : 0;
}

static void on_perf_event(void *ctx, int cpu, void *data, __u32 size)
{
	struct events *ev = ctx;

	(void)cpu;
	if (!ev->stop)
		ev->stop = ev->fn(ev->ctx, data, size);
}

static void on_perf_lost(void *ctx, int cpu, __u64 count)
{
	struct events *ev = ctx;

	(void)cpu;
	ev->perf_lost += count;
}

struct events *events_open(struct bpf_object *obj, events_fn fn, void *ctx)
{
	struct events *ev = calloc(1, sizeof(*ev));
	struct bpf_map *rb = bpf_object__find_map_by_name(obj, "events");
	struct bpf_map *pb = bpf_object__find_map_by_name(obj, "events_perf");

	if (!ev)
		return NULL;
	ev->fn = fn;
	ev->ctx = ctx;
	ev->lost_map = bpf_object__find_map_by_name(obj, "events_lost");
	if (rb && bpf_map__type(rb) == BPF_MAP_TYPE_RINGBUF)
		ev->rb = ring_buffer__new(bpf_map__fd(rb), on_ringbuf_event, ev, NULL);
	else if (pb)
		ev->pb = perf_buffer__new(bpf_map__fd(pb), PERF_PAGES, on_perf_event, on_perf_lost,
					  ev, NULL);
	if (!ev->rb && !ev->pb) {
		cli_warn("cannot set up the event buffer: %s", strerror(errno));
		free(ev);
		return NULL;
	}
	if (common_opts.verbose)
		fprintf(stderr, "%s: event buffer: %s\n", program_invocation_short_name,
			events_kind(ev));
	return ev;
}

static uint64_t kernel_lost(struct events *ev)
{
	int ncpus = libbpf_num_possible_cpus();
	uint64_t sum = 0;
	__u32 zero = 0;
	uint64_t *vals;
	int i;

	if (!ev->lost_map || ncpus <= 0)
		return 0;
	vals = calloc(ncpus, sizeof(*vals));
	if (!vals)
		return 0;
	if (!bpf_map__lookup_elem(ev->lost_map, &zero, sizeof(zero), vals, ncpus * sizeof(*vals),
				  0)) {
		for (i = 0; i < ncpus; i++)
			sum += vals[i];
	}
	free(vals);
	return sum;
}

uint64_t events_lost(struct events *ev)
{
	return kernel_lost(ev) + ev->perf_lost;
}

int events_poll(struct events *ev, int timeout_ms)
{
	unsigned long long now;
	int n;

	if (ev->rb) {
		/* Wakeups are batched, so a timed-out poll may still leave data to read. */
		n = ring_buffer__poll(ev->rb, timeout_ms);
		if (n >= 0 && !ev->stop)
			n = ring_buffer__consume(ev->rb);
	} else {
		n = perf_buffer__poll(ev->pb, timeout_ms);
	}
	fflush(stdout);
	now = mono_ns();
	if (now - ev->last_lost_check > 1000000000ULL) {
		ev->last_lost_check = now;
		events_report_lost(ev);
	}
	if (n == -ECANCELED || n == -EINTR)
		return 0;
	return n < 0 ? n : 0;
}

int events_loop(struct events *ev, unsigned long long end_ns)
{
	while (!tool_exiting && !ev->stop && (!end_ns || mono_ns() < end_ns)) {
		int err = events_poll(ev, 100);

		if (err < 0) {
			cli_warn("error polling events: %s", strerror(-err));
			return err;
		}
	}
	return 0;
}

int events_stopped(const struct events *ev)
{
	return ev->stop;
}

void events_report_lost(struct events *ev)
{
	uint64_t lost = events_lost(ev);

	if (lost > ev->reported) {
		fflush(stdout);
		fprintf(stderr, "%s: %llu events lost\n", program_invocation_short_name,
			(unsigned long long)lost);
		ev->reported = lost;
	}
}

const char *events_kind(const struct events *ev)
{
	return ev->rb ? "ringbuf" : "perfbuf";
}

void events_free(struct events *ev)
{
	if (!ev)
		return;
	ring_buffer__free(ev->rb);
	perf_buffer__free(ev->pb);
	free(ev);
}

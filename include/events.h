/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One event path for every tool: the BPF side writes through
 * include/bpf/events.bpf.h; this side reads a ring buffer where the kernel has
 * one and a perf buffer otherwise, batches output, and counts lost events.
 */
#ifndef BPFSCOPE_EVENTS_H
#define BPFSCOPE_EVENTS_H

#include <bpf/libbpf.h>
#include <stddef.h>
#include <stdint.h>

struct events;

/* Return non-zero to stop polling (e.g. a count limit was reached). */
typedef int (*events_fn)(void *ctx, const void *data, size_t size);

/*
 * Between open and load: pick ring buffer or perf buffer for this kernel
 * (BPFSCOPE_AVOID=ringbuf forces the perf buffer) and size the maps: the
 * ring ring_bytes (a power of two), or 0 for 128 KiB per CPU (256 KiB..8 MiB).
 */
int events_configure(struct bpf_object *obj, __u32 ring_bytes);

/* After load: set up polling. Returns NULL with a message printed on failure. */
struct events *events_open(struct bpf_object *obj, events_fn fn, void *ctx);

/*
 * Wait up to timeout_ms for events, handle them, flush stdout.  Returns <0 on
 * error: -EIO when the output could not be written (output_finish() says so).
 */
int events_poll(struct events *ev, int timeout_ms);
/* Read every event already in the buffers, whether or not a wakeup came for it. */
int events_drain(struct events *ev);

/*
 * Poll until SIGINT/SIGTERM, until the callback asks to stop, or until the
 * monotonic deadline end_ns (mono_ns() clock; 0: none).  Returns <0 after a
 * one-line message if polling failed, -EIO if the output failed.
 */
int events_loop(struct events *ev, unsigned long long end_ns);

/* True when the callback asked to stop. */
int events_stopped(const struct events *ev);

/*
 * Events the object saw but did not count or deliver: runs of its programs
 * the kernel skipped because one was already running on that CPU (Linux
 * 5.12+ counts them), plus what its BPF side counted in bpf/missed.bpf.h (an
 * event that could not be delivered, a failed map update, ...).  The one
 * accounting path every tool reports through.
 */
uint64_t events_missed(const struct bpf_object *obj);

/* Events the kernel side could not deliver so far (perf buffer overruns + events_missed). */
uint64_t events_lost(struct events *ev);

/* Print "tool: N events lost" to stderr when there were any (once at exit). */
void events_report_lost(struct events *ev);

const char *events_kind(const struct events *ev); /* "ringbuf" or "perfbuf" */

void events_free(struct events *ev);

#endif

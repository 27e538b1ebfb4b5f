// SPDX-License-Identifier: GPL-2.0
/* User half of the event path; see include/bpf/events.bpf.h for the kernel half. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "events.h"
#include "output.h"
#include "probe.h"

/* Wake user space once this much is queued; a timed poll picks up the rest. */
#define WAKEUP_BYTES (64 * 1024)
#define PERF_PAGES   64

/*
 * A BPF ring buffer read in place.  libbpf maps the data area twice so that a
 * record wrapping past its end reads contiguously; we map it once (half the
 * RSS) and copy the few records that wrap into a bounce buffer instead.
 */
struct ringbuf {
	unsigned long *consumer_pos;	   /* first page, the only one we write */
	const unsigned long *producer_pos; /* second page, the data area follows */
	size_t size;			   /* of the data area, a power of two */
	const unsigned char *data;
	size_t page_size;
	unsigned char *bounce;
	size_t bounce_size;
	int epoll_fd;
};

struct events {
	struct ringbuf *rb;
	struct perf_buffer *pb;
	struct bpf_object *obj;
	events_fn fn;
	void *ctx;
	int stop;
	uint64_t perf_lost;
	uint64_t reported;
	unsigned long long last_lost_check;
};

/*
 * 128 KiB of ring per CPU, a power of two between 256 KiB and 8 MiB: the ring
 * is resident memory, and more CPUs make events faster.  With the wakeup
 * batching below, 256 KiB loses nothing where the reference tools lose
 * thousands of events (bench/).
 */
static __u32 ringbuf_size(void)
{
	int ncpus = libbpf_num_possible_cpus();
	__u32 size = 256 * 1024;

	while (ncpus > 0 && size < (__u32)ncpus * 128 * 1024 && size < 8 * 1024 * 1024)
		size *= 2;
	return size;
}

int events_configure(struct bpf_object *obj, __u32 ring_bytes)
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
		bpf_map__set_max_entries(rb, ring_bytes ? ring_bytes : ringbuf_size());
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

static void ringbuf_free(struct ringbuf *rb)
{
	if (!rb)
		return;
	if (rb->consumer_pos)
		munmap(rb->consumer_pos, rb->page_size);
	if (rb->producer_pos)
		munmap((void *)rb->producer_pos, rb->page_size + rb->size);
	if (rb->epoll_fd >= 0)
		close(rb->epoll_fd);
	free(rb->bounce);
	free(rb);
}

static struct ringbuf *ringbuf_new(int map_fd)
{
	struct epoll_event wake = { .events = EPOLLIN };
	struct bpf_map_info info = {};
	__u32 info_len = sizeof(info);
	struct ringbuf *rb;
	void *p;
	int err;

	if (bpf_obj_get_info_by_fd(map_fd, &info, &info_len))
		return NULL;
	rb = calloc(1, sizeof(*rb));
	if (!rb)
		return NULL;
	rb->page_size = sysconf(_SC_PAGESIZE);
	rb->size = info.max_entries;
	rb->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (rb->epoll_fd < 0 || epoll_ctl(rb->epoll_fd, EPOLL_CTL_ADD, map_fd, &wake))
		goto fail;
	p = mmap(NULL, rb->page_size, PROT_READ | PROT_WRITE, MAP_SHARED, map_fd, 0);
	if (p == MAP_FAILED)
		goto fail;
	rb->consumer_pos = p;
	p = mmap(NULL, rb->page_size + rb->size, PROT_READ, MAP_SHARED, map_fd, rb->page_size);
	if (p == MAP_FAILED)
		goto fail;
	rb->producer_pos = p;
	rb->data = (const unsigned char *)p + rb->page_size;
	return rb;
fail:
	err = errno;
	ringbuf_free(rb);
	errno = err;
	return NULL;
}

/* Records wrap rarely and are small: grow the bounce buffer only as far as needed. */
static int ringbuf_bounce_reserve(struct ringbuf *rb, size_t len)
{
	size_t size = rb->bounce_size ? rb->bounce_size : 256;
	unsigned char *p;

	if (len <= rb->bounce_size)
		return 0;
	while (size < len)
		size *= 2;
	p = realloc(rb->bounce, size);
	if (!p)
		return -ENOMEM;
	rb->bounce = p;
	rb->bounce_size = size;
	return 0;
}

/* Hand the sample at data offset off to the callback in one piece. */
static int ringbuf_deliver(struct events *ev, size_t off, size_t len)
{
	struct ringbuf *rb = ev->rb;
	const void *sample = rb->data + off;
	size_t head = rb->size - off;

	if (len > head) {
		if (ringbuf_bounce_reserve(rb, len))
			return -ENOMEM;
		memcpy(rb->bounce, rb->data + off, head);
		memcpy(rb->bounce + head, rb->data, len - head);
		sample = rb->bounce;
	}
	ev->stop = ev->fn(ev->ctx, sample, len);
	return 0;
}

/*
 * Read the committed records in order, as the kernel's ring buffer ABI says
 * (Documentation/bpf/ringbuf.rst): stop at one still being written, skip the
 * discarded ones, and give each record's space back as soon as it is handled.
 * At most a ring's worth per call, so a producer outrunning us cannot keep us
 * here forever.
 */
static int ringbuf_consume(struct events *ev)
{
	struct ringbuf *rb = ev->rb;
	unsigned long start = *rb->consumer_pos, cons = start, prod = start;
	size_t mask = rb->size - 1, len;
	__u32 hdr;
	int err;

	while (!ev->stop && cons - start < rb->size) {
		if (cons == prod) {
			prod = __atomic_load_n(rb->producer_pos, __ATOMIC_ACQUIRE);
			if (cons == prod)
				break;
		}
		hdr = __atomic_load_n((const __u32 *)(rb->data + (cons & mask)), __ATOMIC_ACQUIRE);
		if (hdr & BPF_RINGBUF_BUSY_BIT)
			break;
		len = hdr & ~(__u32)(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
		if (len > rb->size - BPF_RINGBUF_HDR_SZ)
			return -EIO;
		if (!(hdr & BPF_RINGBUF_DISCARD_BIT)) {
			err = ringbuf_deliver(ev, (cons + BPF_RINGBUF_HDR_SZ) & mask, len);
			if (err)
				return err;
		}
		cons += (BPF_RINGBUF_HDR_SZ + len + 7) & ~(size_t)7;
		__atomic_store_n(rb->consumer_pos, cons, __ATOMIC_RELEASE);
	}
	return 0;
}

/* Wait for a wakeup, then read what is there: wakeups are batched, so also after a timeout. */
static int ringbuf_poll(struct events *ev, int timeout_ms)
{
	struct epoll_event e;

	if (epoll_wait(ev->rb->epoll_fd, &e, 1, timeout_ms) < 0)
		return -errno;
	return ringbuf_consume(ev);
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
	ev->obj = obj;
	if (rb && bpf_map__type(rb) == BPF_MAP_TYPE_RINGBUF)
		ev->rb = ringbuf_new(bpf_map__fd(rb));
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

/* Sum of a per-CPU array's one __u64 (include/bpf/missed.bpf.h); 0 without the map. */
static uint64_t percpu_counter_sum(const struct bpf_map *map)
{
	int ncpus = libbpf_num_possible_cpus(), i;
	uint64_t sum = 0, *vals;
	__u32 zero = 0;

	if (!map || ncpus <= 0 || bpf_map__fd(map) < 0)
		return 0;
	vals = calloc(ncpus, sizeof(*vals));
	if (vals && !bpf_map_lookup_elem(bpf_map__fd(map), &zero, vals)) {
		for (i = 0; i < ncpus; i++)
			sum += vals[i];
	}
	free(vals);
	return sum;
}

uint64_t events_missed(const struct bpf_object *obj)
{
	struct bpf_program *prog;
	uint64_t missed = 0;

	bpf_object__for_each_program(prog, obj)
	{
		struct bpf_prog_info info = {};
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(prog);

		if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len))
			missed += info.recursion_misses;
	}
	return missed + percpu_counter_sum(bpf_object__find_map_by_name(obj, "missed"));
}

uint64_t events_lost(struct events *ev)
{
	return ev->perf_lost + events_missed(ev->obj);
}

int events_poll(struct events *ev, int timeout_ms)
{
	unsigned long long now;
	int n;

	if (ev->rb)
		n = ringbuf_poll(ev, timeout_ms);
	else
		n = perf_buffer__poll(ev->pb, timeout_ms);
	if (output_flush())
		return -EIO; /* output_finish() says what failed */
	now = mono_ns();
	if (now - ev->last_lost_check > 1000000000ULL) {
		ev->last_lost_check = now;
		events_report_lost(ev);
	}
	if (n == -EINTR)
		return 0;
	return n < 0 ? n : 0;
}

int events_drain(struct events *ev)
{
	int err = ev->rb ? ringbuf_consume(ev) : perf_buffer__consume(ev->pb);

	return output_flush() ? -EIO : err;
}

int events_loop(struct events *ev, unsigned long long end_ns)
{
	while (!tool_exiting && !ev->stop && (!end_ns || mono_ns() < end_ns)) {
		int err = events_poll(ev, 100);

		if (err == -EIO)
			return err;
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
	ringbuf_free(ev->rb);
	perf_buffer__free(ev->pb);
	free(ev);
}

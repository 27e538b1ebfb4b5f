// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of the ring buffer reader in lib/events.c, on a ring laid out in
 * ordinary memory as the kernel lays it out (consumer position, producer
 * position, data area of records {u32 len | busy/discard bits, u32 pg_off} and
 * a sample, 8-byte aligned).  The file is included to reach its static
 * functions; its objects in the library are then not linked.
 */
#include <stdint.h>
#include <stdlib.h>

#include "../../lib/events.c"
#include "unit.h"

#define RING_SIZE 4096
#define MAX_SEQ	  65536

static struct {
	unsigned long cons;
	unsigned long prod;
	unsigned char data[RING_SIZE] __attribute__((aligned(8)));
} ring;

static struct ringbuf rb;
static struct events ev;

/* What the producer wrote and what the consumer saw. */
static size_t lens[MAX_SEQ];
static unsigned int produced, delivered, bad;
static unsigned int stop_at = ~0U; /* the callback asks to stop at this record */
static size_t refill;		   /* the callback produces a record of this size each time */

static unsigned char pattern(unsigned int seq, size_t i)
{
	return (unsigned char)(seq * 31 + i * 7 + 1);
}

static size_t record_size(size_t len)
{
	return (BPF_RINGBUF_HDR_SZ + len + 7) & ~(size_t)7;
}

/* Write a record at the producer position; returns its position. */
static unsigned long produce(size_t len, __u32 flags)
{
	unsigned long pos = ring.prod;
	__u32 hdr[2] = { (__u32)len | flags, 0 };
	size_t i;

	memcpy(ring.data + (pos & (RING_SIZE - 1)), hdr, sizeof(hdr));
	for (i = 0; i < len; i++)
		ring.data[(pos + BPF_RINGBUF_HDR_SZ + i) & (RING_SIZE - 1)] =
			flags & BPF_RINGBUF_DISCARD_BIT ? 0xdd : pattern(produced, i);
	if (!(flags & BPF_RINGBUF_DISCARD_BIT))
		lens[produced++ % MAX_SEQ] = len;
	ring.prod += record_size(len);
	return pos;
}

static void set_flags(unsigned long pos, __u32 flags)
{
	__u32 *hdr = (__u32 *)(ring.data + (pos & (RING_SIZE - 1)));

	*hdr = (*hdr & ~(__u32)(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT)) | flags;
}

static int on_sample(void *ctx, const void *data, size_t size)
{
	const unsigned char *p = data;
	unsigned int seq = delivered++;
	size_t i;

	(void)ctx;
	if (size != lens[seq % MAX_SEQ])
		bad++;
	for (i = 0; i < size; i++)
		bad += p[i] != pattern(seq, i);
	if (refill)
		produce(refill, 0);
	return seq == stop_at;
}

/* An empty ring whose positions start at pos (they only grow). */
static void reset(unsigned long pos)
{
	memset(&ring, 0, sizeof(ring));
	ring.cons = ring.prod = pos;
	free(rb.bounce);
	rb = (struct ringbuf){
		.consumer_pos = &ring.cons,
		.producer_pos = &ring.prod,
		.data = ring.data,
		.size = RING_SIZE,
		.epoll_fd = -1,
	};
	ev = (struct events){ .rb = &rb, .fn = on_sample };
	produced = delivered = bad = 0;
	stop_at = ~0U;
	refill = 0;
}

static void test_in_order(void)
{
	int err;

	reset(0);
	produce(24, 0);
	produce(0, 0);
	produce(13, 0);
	err = ringbuf_consume(&ev);
	CHECK("records are delivered in order, whole",
	      !err && delivered == 3 && !bad && ring.cons == ring.prod,
	      "err %d, %u delivered, %u bad bytes, cons %lu prod %lu", err, delivered, bad,
	      ring.cons, ring.prod);
	CHECK("no bounce buffer while nothing wraps", rb.bounce == NULL, "%zu bytes",
	      rb.bounce_size);
}

static void test_wrap(void)
{
	int err;

	reset(RING_SIZE - 16);
	produce(100, 0);
	err = ringbuf_consume(&ev);
	CHECK("a sample wrapping past the end of the data area arrives in one piece",
	      !err && delivered == 1 && !bad && ring.cons == ring.prod,
	      "err %d, %u delivered, %u bad", err, delivered, bad);
	CHECK("the bounce buffer is only as large as needed",
	      rb.bounce_size >= 100 && rb.bounce_size <= 256, "%zu bytes", rb.bounce_size);

	reset(3 * RING_SIZE - 8);
	produce(40, 0);
	err = ringbuf_consume(&ev);
	CHECK("a header in the last 8 bytes: the sample starts the data area",
	      !err && delivered == 1 && !bad && rb.bounce == NULL, "err %d, %u delivered, %u bad",
	      err, delivered, bad);

	reset(RING_SIZE - 8 - 64);
	produce(64, 0);
	err = ringbuf_consume(&ev);
	CHECK("a sample ending exactly at the end is read in place",
	      !err && delivered == 1 && !bad && rb.bounce == NULL, "err %d, %u delivered, %u bad",
	      err, delivered, bad);

	reset(-40UL);
	produce(30, 0);
	produce(50, 0);
	produce(10, 0);
	err = ringbuf_consume(&ev);
	CHECK("positions that overflow an unsigned long keep working",
	      !err && delivered == 3 && !bad && ring.cons == ring.prod && ring.prod < 1000,
	      "err %d, %u delivered, %u bad, cons %lu prod %lu", err, delivered, bad, ring.cons,
	      ring.prod);

	/* Then around again, 16 bytes before the end, with a larger sample. */
	reset(RING_SIZE - 16);
	produce(100, 0);
	produce(RING_SIZE - 120, 0);
	ringbuf_consume(&ev);
	produce(1000, 0);
	err = ringbuf_consume(&ev);
	CHECK("the bounce buffer grows for a larger wrapping sample",
	      !err && delivered == 3 && !bad && ring.cons == 2 * RING_SIZE - 16 + 1008 &&
		      rb.bounce_size >= 1000 && rb.bounce_size <= 1024,
	      "err %d, %u delivered, %u bad, cons %lu, bounce %zu", err, delivered, bad, ring.cons,
	      rb.bounce_size);
}

static void test_busy_and_discard(void)
{
	unsigned long busy;
	int err;

	reset(RING_SIZE - 40);
	produce(8, 0);
	produce(50, BPF_RINGBUF_DISCARD_BIT);
	produce(9, 0);
	err = ringbuf_consume(&ev);
	CHECK("discarded records are skipped",
	      !err && delivered == 2 && !bad && ring.cons == ring.prod,
	      "err %d, %u delivered, %u bad", err, delivered, bad);

	reset(100 * RING_SIZE - 24);
	produce(16, 0);
	busy = produce(30, BPF_RINGBUF_BUSY_BIT);
	produce(5, 0);
	err = ringbuf_consume(&ev);
	CHECK("reading stops at a record still being written",
	      !err && delivered == 1 && ring.cons == busy,
	      "err %d, %u delivered, cons %lu busy %lu", err, delivered, ring.cons, busy);
	set_flags(busy, 0);
	err = ringbuf_consume(&ev);
	CHECK("the record is read once committed, then the rest",
	      !err && delivered == 3 && !bad && ring.cons == ring.prod,
	      "err %d, %u delivered, %u bad", err, delivered, bad);
	busy = produce(30, BPF_RINGBUF_BUSY_BIT);
	set_flags(busy, BPF_RINGBUF_DISCARD_BIT);
	produced--;
	err = ringbuf_consume(&ev);
	CHECK("a reservation later discarded is skipped",
	      !err && delivered == 3 && ring.cons == ring.prod, "err %d, %u delivered", err,
	      delivered);
}

static void test_stop(void)
{
	unsigned long third;
	int err;

	reset(0);
	produce(10, 0);
	produce(20, 0);
	third = produce(30, 0);
	stop_at = 1;
	err = ringbuf_consume(&ev);
	CHECK("the callback stops reading at once; the rest stays",
	      !err && delivered == 2 && events_stopped(&ev) && ring.cons == third,
	      "err %d, %u delivered, cons %lu third %lu", err, delivered, ring.cons, third);
	err = ringbuf_consume(&ev);
	CHECK("nothing is read after a stop", !err && delivered == 2, "%u delivered", delivered);
	ev.stop = 0;
	err = ringbuf_consume(&ev);
	CHECK("the rest is there afterwards",
	      !err && delivered == 3 && !bad && ring.cons == ring.prod, "err %d, %u delivered", err,
	      delivered);
}

static void test_bounded(void)
{
	int err;

	reset(RING_SIZE - 8);
	refill = 120;
	produce(120, 0);
	err = ringbuf_consume(&ev);
	CHECK("a producer that never pauses cannot hold the reader for more than a ring",
	      !err && !bad && delivered * record_size(120) >= RING_SIZE &&
		      delivered * record_size(120) < RING_SIZE + record_size(120),
	      "err %d, %u bad, %u delivered", err, bad, delivered);
}

/* Random sizes and discards, produced and consumed in uneven steps, many times around. */
static void test_random(void)
{
	unsigned int i, burst;
	size_t len;
	int err = 0;

	reset(0);
	srandom(1);
	for (i = 0; i < 20000 && !err; i++) {
		for (burst = random() % 8; burst; burst--) {
			len = random() % 4 ? random() % 200 : random() % (RING_SIZE / 3);
			if (ring.prod - ring.cons + record_size(len) > RING_SIZE)
				break;
			produce(len, random() % 10 ? 0 : BPF_RINGBUF_DISCARD_BIT);
		}
		if (random() % 3)
			err = ringbuf_consume(&ev);
	}
	if (!err)
		err = ringbuf_consume(&ev);
	CHECK("random sizes and discards, many times around: every byte in order",
	      !err && !bad && delivered == produced && ring.cons == ring.prod &&
		      ring.prod > 100 * RING_SIZE,
	      "err %d, %u bad, %u of %u delivered, %lu bytes", err, bad, delivered, produced,
	      ring.prod);
}

int main(void)
{
	test_in_order();
	test_wrap();
	test_busy_and_discard();
	test_stop();
	test_bounded();
	test_random();
	free(rb.bounce);
	return unit_exit();
}

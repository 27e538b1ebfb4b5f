/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel drift in one place: each helper reads something whose layout or
 * name changed between kernel versions, using CO-RE so one object serves all.
 */
#ifndef BPFSCOPE_COMPAT_BPF_H
#define BPFSCOPE_COMPAT_BPF_H

#include <bpf/bpf_core_read.h>

/* task_struct::state was renamed __state in 5.14 (commit 2f064a59a11f). */
struct task_struct___pre514 {
	long state;
} __attribute__((preserve_access_index));

static __always_inline long task_state(struct task_struct *t)
{
	struct task_struct___pre514 *old = (void *)t;

	if (bpf_core_field_exists(t->__state))
		return BPF_CORE_READ(t, __state);
	return BPF_CORE_READ(old, state);
}

/* request::rq_disk was removed in 5.17 (commit f3fa33acca9f); the disk hangs off the queue. */
struct request___pre517 {
	struct gendisk *rq_disk;
} __attribute__((preserve_access_index));

struct request_queue___post517 {
	struct gendisk *disk;
} __attribute__((preserve_access_index));

static __always_inline struct gendisk *request_disk(struct request *rq)
{
	struct request___pre517 *old = (void *)rq;
	struct request_queue___post517 *q;

	if (bpf_core_field_exists(old->rq_disk))
		return BPF_CORE_READ(old, rq_disk);
	q = (void *)BPF_CORE_READ(rq, q);
	return BPF_CORE_READ(q, disk);
}

/* Device number (MKDEV(major, first_minor)) of a gendisk, as user space sees it. */
static __always_inline __u32 disk_devt(struct gendisk *disk)
{
	__u32 major = BPF_CORE_READ(disk, major);
	__u32 minor = BPF_CORE_READ(disk, first_minor);

	return (major << 20) | minor;
}

/* bio::bi_disk became bi_bdev->bd_disk in 5.12 (commit 309dca309fc3). */
struct bio___pre512 {
	struct gendisk *bi_disk;
} __attribute__((preserve_access_index));

static __always_inline struct gendisk *bio_disk(struct bio *bio)
{
	struct bio___pre512 *old = (void *)bio;

	if (bpf_core_field_exists(old->bi_disk))
		return BPF_CORE_READ(old, bi_disk);
	return BPF_CORE_READ(bio, bi_bdev, bd_disk);
}

#endif

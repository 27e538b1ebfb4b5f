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

/* task_struct::pids[PIDTYPE_PID].pid became thread_pid in 4.19 (commit 2c4704756cab). */
struct pid_link___pre419 {
	struct hlist_node node;
	struct pid *pid;
} __attribute__((preserve_access_index));

struct task_struct___pre419 {
	struct pid_link___pre419 pids[4];
} __attribute__((preserve_access_index));

/* Inode number of the PID namespace a task lives in (as in /proc/PID/ns/pid); 0 if unknown. */
static __always_inline __u32 task_pidns_inum(struct task_struct *t)
{
	struct task_struct___pre419 *old = (void *)t;
	struct upid upid;
	struct pid *pid;
	unsigned int level;

	if (bpf_core_field_exists(t->thread_pid))
		pid = BPF_CORE_READ(t, thread_pid);
	else
		pid = BPF_CORE_READ(old, pids[0].pid);
	if (!pid)
		return 0;
	level = BPF_CORE_READ(pid, level);
	if (bpf_core_read(&upid, sizeof(upid), &pid->numbers[level]))
		return 0;
	return BPF_CORE_READ(upid.ns, ns.inum);
}

/*
 * cfs_rq::nr_running (scheduling entities queued, the running one included)
 * was renamed nr_queued in Linux 6.14 (commit 736c55a02c47), when delayed
 * dequeue made "running" misleading; the count is the same.
 */
struct cfs_rq___pre614 {
	unsigned int nr_running;
} __attribute__((preserve_access_index));

static __always_inline __u32 cfs_rq_nr_queued(struct cfs_rq *cfs_rq)
{
	struct cfs_rq___pre614 *old = (void *)cfs_rq;

	if (bpf_core_field_exists(old->nr_running))
		return BPF_CORE_READ(old, nr_running);
	return BPF_CORE_READ(cfs_rq, nr_queued);
}

/*
 * tcp:tcp_retransmit_skb gained an "err" argument and record field in Linux 6.17
 * ("tcp: trace retransmit failures in tcp_retransmit_skb"), and since then also
 * fires for attempts that sent nothing (err != 0); before, only for segments sent.
 * Both helpers return that error, or 0 on kernels without it.
 */
struct trace_event_raw_tcp_retransmit_skb___617 {
	int err;
} __attribute__((preserve_access_index));

/* tp_btf and raw_tp programs: the third argument (sk, skb, err). */
static __always_inline int tcp_retransmit_btf_err(const __u64 *args)
{
	if (bpf_core_field_exists(struct trace_event_raw_tcp_retransmit_skb___617, err))
		return (int)args[2];
	return 0;
}

/* Classic tracepoint programs: the record's err field. */
static __always_inline int tcp_retransmit_tp_err(const void *ctx)
{
	const struct trace_event_raw_tcp_retransmit_skb___617 *rec = ctx;

	if (bpf_core_field_exists(rec->err))
		return rec->err;
	return 0;
}

#endif

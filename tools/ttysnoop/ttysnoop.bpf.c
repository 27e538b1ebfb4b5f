// SPDX-License-Identifier: GPL-2.0
/*
 * ttysnoop: what processes write to one terminal.  Where the kernel lets us,
 * at tty_write() (fentry, else kprobe); elsewhere at the entry of write(),
 * writev(), pwrite64() and pwritev(), the terminal found from the
 * descriptor.  The data is copied from the writer's memory before it is
 * written, in pieces of data_size bytes, data_count pieces at most.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpf/fdfile.bpf.h"
#include "bpf/filter.bpf.h"
#include "bpf/syscalls.bpf.h"
#include "ttysnoop.h"

#define EVENT_MAX_SIZE (sizeof(struct tty_event))
#include "bpf/events.bpf.h"

#define MINORBITS     20
#define MKDEV(ma, mi) (((ma) << MINORBITS) | (mi))
#define TTYAUX_MAJOR  5 /* /dev/tty (0) and /dev/console (1) stand for another terminal */

const volatile __u32 target_dev = 0; /* the terminal (kernel dev_t) */
const volatile __u32 data_size = 256;
const volatile __u32 data_count = 16;

/*
 * The terminal a file writes to: its device, or for /dev/tty and
 * /dev/console the terminal they were opened on (the tty_struct in the
 * file's tty_file_private).
 */
static __always_inline __u32 file_tty_dev(struct file *f)
{
	__u32 dev = file_rdev(f);
	struct tty_file_private *priv;
	struct tty_struct *tty;
	struct tty_driver *drv;

	if (dev != MKDEV(TTYAUX_MAJOR, 0) && dev != MKDEV(TTYAUX_MAJOR, 1))
		return dev;
	priv = BPF_CORE_READ(f, private_data);
	tty = BPF_CORE_READ(priv, tty);
	drv = BPF_CORE_READ(tty, driver);
	if (!drv)
		return dev;
	return MKDEV(BPF_CORE_READ(drv, major),
		     BPF_CORE_READ(drv, minor_start) + BPF_CORE_READ(tty, index));
}

/* Where a write's data is: a buffer, or an array of segments in the writer's memory. */
struct cursor {
	const char *buf; /* what is left of the current segment */
	__u64 len;
	const struct iovec *iov; /* the segments after it: iov[next] to iov[nr - 1] */
	__u64 next;
	__u64 nr;
	__u32 sent; /* pieces sent */
};

/*
 * The cursor lives in map memory, not on the stack: the verifier does not
 * track values there, so the states of the copy loop merge and its work
 * stays linear in the number of pieces.
 */
struct work {
	struct cursor c;
	struct tty_event e;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct work);
} work SEC(".maps");

/* Step to the next segment (only the first SEGS_MAX are read); false: none is left. */
static __always_inline bool next_segment(struct cursor *c)
{
	struct iovec seg;

	if (c->next >= c->nr || c->next >= SEGS_MAX)
		return false;
	if (bpf_probe_read_user(&seg, sizeof(seg), &c->iov[c->next]))
		return false;
	c->next++;
	c->buf = seg.iov_base;
	c->len = seg.iov_len;
	return true;
}

/* Send w's data in pieces of data_size bytes, data_count pieces at most. */
static __always_inline void send_data(void *ctx, struct work *w)
{
	struct tty_event *e = &w->e;
	struct cursor *c = &w->c;
	__u64 id, n;
	__u32 i;

	id = current_ids();
	e->pid = id >> 32;
	e->tid = (__u32)id;
	e->ts_ns = bpf_ktime_get_ns();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	for (i = 0; i < CHUNKS_MAX + SEGS_MAX; i++) {
		if (!c->len) {
			if (!next_segment(c))
				return;
			continue;
		}
		if (c->sent++ >= data_count)
			return;
		n = c->len < data_size ? c->len : data_size;
		barrier_var(n);
		if (n > DATA_MAX)
			n = DATA_MAX;
		if (bpf_probe_read_user(e->data, n, c->buf))
			return;
		e->len = n;
		event_output(ctx, e, TTY_EVENT_HEADER_SIZE + n);
		c->buf += n;
		c->len -= n;
	}
}

static __always_inline struct work *get_work(void)
{
	__u32 zero = 0;
	struct work *w = bpf_map_lookup_elem(&work, &zero);

	if (w)
		__builtin_memset(&w->c, 0, sizeof(w->c));
	return w;
}

static __always_inline void send_buf(void *ctx, const char *buf, __u64 len)
{
	struct work *w = get_work();

	if (!w)
		return;
	w->c.buf = buf;
	w->c.len = len;
	send_data(ctx, w);
}

static __always_inline void send_iovec(void *ctx, const struct iovec *iov, __u64 nr)
{
	struct work *w = get_work();

	if (!w)
		return;
	w->c.iov = iov;
	w->c.nr = nr;
	send_data(ctx, w);
}

/* --- tty_write(iocb, from) (fentry, kprobe) --- */

/* Before Linux 6.4 the iovec array of an iov_iter was "iov". */
struct iov_iter___iov {
	const struct iovec *iov;
} __attribute__((preserve_access_index));

static __always_inline int on_tty_write(void *ctx, struct kiocb *iocb, struct iov_iter *from)
{
	int ubuf = bpf_core_enum_value(enum iter_type, ITER_UBUF);
	const struct iovec *iov;
	const char *base;
	__u64 off;

	if (file_tty_dev(BPF_CORE_READ(iocb, ki_filp)) != target_dev || !filter_current())
		return 0;
	off = BPF_CORE_READ(from, iov_offset);
	if (bpf_core_enum_value_exists(enum iter_type, ITER_UBUF) &&
	    BPF_CORE_READ(from, iter_type) == ubuf) {
		base = BPF_CORE_READ(from, ubuf);
		send_buf(ctx, base + off, BPF_CORE_READ(from, count));
		return 0;
	}
	if (BPF_CORE_READ(from, iter_type) != bpf_core_enum_value(enum iter_type, ITER_IOVEC))
		return 0;
	if (bpf_core_field_exists(from->__iov))
		iov = BPF_CORE_READ(from, __iov);
	else
		iov = BPF_CORE_READ((struct iov_iter___iov *)from, iov);
	send_iovec(ctx, iov, BPF_CORE_READ(from, nr_segs));
	return 0;
}

SEC("fentry/tty_write")
int BPF_PROG(tty_write_fentry, struct kiocb *iocb, struct iov_iter *from)
{
	return on_tty_write(ctx, iocb, from);
}

SEC("kprobe/tty_write")
int BPF_KPROBE(tty_write_kprobe, struct kiocb *iocb, struct iov_iter *from)
{
	return on_tty_write(ctx, iocb, from);
}

/* --- the system calls, at entry --- */

static __always_inline bool to_target(long fd)
{
	return file_tty_dev(task_fd_file((void *)bpf_get_current_task(), fd)) == target_dev &&
	       filter_current();
}

static __always_inline int on_write(void *ctx, long fd, const char *buf, __u64 len)
{
	if (to_target(fd))
		send_buf(ctx, buf, len);
	return 0;
}

static __always_inline int on_writev(void *ctx, long fd, const struct iovec *iov, __u64 nr)
{
	if (to_target(fd))
		send_iovec(ctx, iov, nr);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_write")
int write_enter(struct syscall_trace_enter *ctx)
{
	return on_write(ctx, ctx->args[0], (const char *)ctx->args[1], ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_enter_pwrite64")
int pwrite64_enter(struct syscall_trace_enter *ctx)
{
	return on_write(ctx, ctx->args[0], (const char *)ctx->args[1], ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_enter_writev")
int writev_enter(struct syscall_trace_enter *ctx)
{
	return on_writev(ctx, ctx->args[0], (const struct iovec *)ctx->args[1], ctx->args[2]);
}

SEC("tracepoint/syscalls/sys_enter_pwritev")
int pwritev_enter(struct syscall_trace_enter *ctx)
{
	return on_writev(ctx, ctx->args[0], (const struct iovec *)ctx->args[1], ctx->args[2]);
}

/* Kernels without syscall tracepoints: raw_syscalls' entry, the calls picked by number. */
SEC("raw_tp/sys_enter")
int BPF_PROG(sys_enter_raw, struct pt_regs *regs, long nr)
{
	long fd = PT_REGS_PARM1_CORE_SYSCALL(regs);
	void *p = (void *)PT_REGS_PARM2_CORE_SYSCALL(regs);
	__u64 n = PT_REGS_PARM3_CORE_SYSCALL(regs);

	if (nr != __NR_write && nr != __NR_pwrite64 && nr != __NR_writev && nr != __NR_pwritev)
		return 0;
	if (!native_syscall(regs))
		return 0;
	if (nr == __NR_write || nr == __NR_pwrite64)
		return on_write(ctx, fd, p, n);
	return on_writev(ctx, fd, p, n);
}

char LICENSE[] SEC("license") = "GPL";

// SPDX-License-Identifier: GPL-2.0
/*
 * sslsniff: the plaintext TLS libraries read and write.  At a call's entry
 * the buffer (and for the _ex functions, where the length will be written)
 * is kept per thread; at its return the bytes really read or written are
 * copied from that buffer.  User space attaches the uprobes to libssl,
 * libgnutls and libnspr4.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "bpf/events.bpf.h"
#include "bpf/filter.bpf.h"
#include "sslsniff.h"

const volatile __u32 max_buffer_size = DEFAULT_BUF_SIZE;

struct pending {
	__u64 ts_ns;
	__u64 buf;
	__u64 len_ptr; /* _ex: where the length goes; 0: the return value is the length */
	__u32 call;
};

/* Thread -> the call it is in; LRU: a thread that never returns leaves one. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, struct pending);
} pending SEC(".maps");

/* The record is built here: it is larger than the BPF stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ssl_event);
} scratch SEC(".maps");

static __always_inline int on_call(__u32 call, const void *buf, const void *len_ptr)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid();
	struct pending p = {};

	if (!filter_current())
		return 0;
	p.ts_ns = bpf_ktime_get_ns();
	p.buf = (__u64)buf;
	p.len_ptr = (__u64)len_ptr;
	p.call = call;
	bpf_map_update_elem(&pending, &tid, &p, BPF_ANY);
	return 0;
}

/* The call's header; NULL when it was not entered (or is filtered out). */
static __always_inline struct ssl_event *take_call(struct pending *p)
{
	__u32 tid = (__u32)bpf_get_current_pid_tgid(), zero = 0;
	struct pending *found = bpf_map_lookup_elem(&pending, &tid);
	struct ssl_event *e;
	__u64 ids;

	if (!found)
		return NULL;
	*p = *found;
	bpf_map_delete_elem(&pending, &tid);
	e = bpf_map_lookup_elem(&scratch, &zero);
	if (!e)
		return NULL;
	ids = current_ids();
	e->ts_ns = bpf_ktime_get_ns();
	e->lat_ns = e->ts_ns - p->ts_ns;
	e->pid = ids >> 32;
	e->tid = (__u32)ids;
	e->uid = (__u32)bpf_get_current_uid_gid();
	e->call = p->call;
	e->buf_filled = 0;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	return e;
}

/* The length a read or write returned: an int (gnutls: an ssize_t, of a record: below 2^31). */
static __always_inline __u64 rw_length(const struct pending *p, long ret)
{
	__u64 len = 0;

	if (!p->len_ptr)
		return (int)ret > 0 ? (int)ret : 0;
	/* The _ex functions return 1 and store the length. */
	if ((int)ret != 1 || bpf_probe_read_user(&len, sizeof(len), (void *)p->len_ptr))
		return 0;
	return len <= 0x7fffffff ? len : 0;
}

SEC("uretprobe")
int BPF_KRETPROBE(call_return, long ret)
{
	struct pending p;
	struct ssl_event *e = take_call(&p);
	__u64 len;
	__u32 n;

	if (!e)
		return 0;
	if (p.call == CALL_SSL_DO_HANDSHAKE) {
		e->len = (int)ret;
		event_output(ctx, e, SSL_EVENT_HEADER_SIZE);
		return 0;
	}
	len = rw_length(&p, ret);
	if (!len)
		return 0;
	e->len = len;
	n = len < max_buffer_size ? len : max_buffer_size;
	if (n > MAX_BUF_SIZE)
		n = MAX_BUF_SIZE;
	if (bpf_probe_read_user(e->buf, n, (void *)p.buf))
		n = 0;
	e->buf_filled = n;
	event_output(ctx, e, SSL_EVENT_HEADER_SIZE + n);
	return 0;
}

/*
 * Every function probed: (handle, buffer, size[, ...]), the buffer second;
 * SSL_read_ex/SSL_write_ex(ssl, buf, num, size_t *len) store the length in
 * *len; SSL_do_handshake(ssl).  The cookie says which function it is.
 */
SEC("uprobe")
int BPF_KPROBE(call_entry, void *handle, const void *buf, __u64 size, void *len_ptr)
{
	__u32 call = bpf_get_attach_cookie(ctx);

	if (call == CALL_SSL_DO_HANDSHAKE)
		return on_call(call, NULL, NULL);
	if (call == CALL_SSL_READ_EX || call == CALL_SSL_WRITE_EX)
		return on_call(call, buf, len_ptr);
	return on_call(call, buf, NULL);
}

char LICENSE[] SEC("license") = "GPL";
